/**
 * `produce` and `consume` started together both create `<topic>.dlq`; the one that loses the race
 * must still wait until the other topics of its request (the state topic) have leaders, so its
 * first write there succeeds (a startup race once seen in test/faults/frozen.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { createKafka } from '../../src/kafka/client.ts';
import { ensureTopics } from '../../src/kafka/topics.ts';
import { createLogger } from '../../src/ui/logger.ts';
import { testKafka, testKafkaClient, uniqueName } from '../support/services.ts';

describe('ensureTopics', () => {
  it(
    'waits for the leaders of every topic it created, also when another client created one of them first',
    { timeout: 120_000 },
    async () => {
      const config = configSchema.parse({ kafka: { brokers: testKafka() } });
      const logger = createLogger({ quiet: true });
      for (let round = 0; round < 5; round++) {
        const shared = uniqueName('race_dlq');
        const own = uniqueName('race_state');
        // The two requests of a produce and a consume that start together.
        await Promise.all([
          ensureTopics(createKafka(config, logger), config, logger, [{ topic: shared }]),
          ensureTopics(createKafka(config, logger), config, logger, [
            { topic: shared },
            { topic: own, compacted: true },
          ]),
        ]);
        const producer = testKafkaClient().producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
        await producer.connect();
        try {
          await expect(
            producer.send({ topic: own, acks: -1, messages: [{ key: 'k', value: 'v' }] }),
          ).resolves.toHaveLength(1);
        } finally {
          await producer.disconnect();
        }
      }
    },
  );
});
