// Uncompressed, 2,000 messages of a few KB (window-state snapshots of 5,000 symbols) make a record
// batch far over the broker's 1 MiB message.max.bytes: the publisher must cut requests by bytes too.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.ts';
import { openPublisher } from '../../src/kafka/publisher.ts';
import { createTopic, uniqueName } from '../support/services.ts';
import { quietLogger, testConfig } from './helpers/kafka.ts';
import { readMessages } from '../support/topics.ts';

const config = testConfig({ kafka: { compression: 'none' } });
const logger = quietLogger();
const kafka = createKafka(config, logger);
const topic = uniqueName('publisher_bytes');

beforeAll(async () => {
  await createTopic(topic, 2);
});

describe('publisher request size', () => {
  it('splits requests by bytes, so 5 MB of one key in one partition is accepted, in order', async () => {
    const count = 1_000;
    const pad = 'x'.repeat(5_000);
    const values = Array.from({ length: count }, (_, i) => JSON.stringify({ i, pad }));
    const publisher = await openPublisher(kafka, config, logger, { topic });
    await publisher.publish(values.map((value) => ({ key: 'SAME', value })));
    await publisher.flush();
    const stats = publisher.stats();
    await publisher.close();

    expect(stats.acknowledged).toBe(count);
    // ~5 MB at ≤ 900 KB a request
    expect(stats.requests).toBeGreaterThanOrEqual(6);
    const received = await readMessages(topic, count, { kafka });
    expect(received.map((message) => String(message.value))).toEqual(values);
  });
});
