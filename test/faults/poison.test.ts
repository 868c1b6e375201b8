/**
 * Scenario 6: 1,000 poison messages — malformed, truncated, wrong-typed, huge (up to ~570 KB),
 * wrong-schema, tombstones — mixed into a valid stream, keyed like the ticks around them. The
 * consumer never stops: every valid tick makes it into exactly the undisturbed results, and every
 * bad message is in `<topic>.dlq` once, byte for byte, with the reason in its `error` header.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from 'kafkajs';
import { dlqTopic } from '../../src/kafka/topics.ts';
import { encodeTick } from '../../src/model.ts';
import { seededRandom } from '../../src/windows/testing.ts';
import { startConsumer, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import type { ConsumeSuite } from '../consume/support/suite.ts';
import { dropMade, faultSuite } from './support/cleanup.ts';
import { poisonMessages, type Poison } from './support/poison.ts';
import { waitForAllCommitted } from './support/progress.ts';
import { readBack, type ReadBack } from './support/read-back.ts';
import { allUp } from './support/servers.ts';
import { session } from './support/session.ts';
import { sendInOrder } from '../support/topics.ts';
import { readAll } from './support/topic.ts';

const SEED = 666;
const BAD = 1_000;

let suite: ConsumeSuite;
let valid: number;
let poison: Poison[];
let back: ReadBack;
let consumer: ConsumerProcess | undefined;

beforeAll(async () => {
  suite = await faultSuite('fault_poison', { sinks: { enabled: ['influx', 'postgres'] } });
  const stream = session({ seed: 13, symbols: ['AAPL', 'MSFT', 'NVDA', 'AMZN'], minutes: 30 });
  valid = stream.all.length;
  back = readBack(suite, stream);
  const random = seededRandom(SEED);
  poison = poisonMessages(BAD, stream.all, random);
  // Each bad message goes in at a random place of the stream.
  const messages: Message[] = stream.all.map((tick) => ({ key: tick.symbol, value: encodeTick(tick) }));
  for (const bad of poison) {
    messages.splice(Math.floor(random() * (messages.length + 1)), 0, {
      key: bad.key,
      value: bad.value,
      headers: { 'poison-id': bad.id },
    });
  }
  await sendInOrder(suite.config.kafka.topics.prices, messages);
});

afterAll(async () => {
  await consumer?.stop('SIGKILL');
  await allUp();
  await dropMade();
});

describe('poison input', () => {
  it(
    `processes every valid tick and dead-letters each of ${BAD} bad messages once, with its reason, without stopping`,
    { timeout: 240_000 },
    async () => {
      consumer = await startConsumer(suite.configPath);
      await waitForAllCommitted(suite, consumer, 'the whole topic committed', 180_000);
      const metrics = await consumer.metrics();
      expect(consumer.child.exitCode, 'the consumer is still running').toBeNull();
      expect(metrics.get('stockstream_ticks_consumed_total')).toBe(valid);
      expect(metrics.get('stockstream_invalid_messages_total')).toBe(BAD);
      expect(metrics.get('stockstream_late_ticks_total') ?? 0).toBe(0);
      expect(metrics.get('stockstream_dlq_messages_total')).toBe(BAD);
      expect(await consumer.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      expect(await back.postgres()).toEqual(back.expected);
      expect(await back.influx()).toEqual(back.expected);

      const topic = suite.config.kafka.topics.prices;
      const dead = await readAll(dlqTopic(topic), BAD);
      expect(dead).toHaveLength(BAD);
      const byId = new Map(poison.map((bad) => [bad.id, bad]));
      const seen = new Set<string>();
      for (const letter of dead) {
        const bad = byId.get(letter.headers['poison-id']!);
        expect(bad, `a dead letter that was not sent as poison: ${JSON.stringify(letter.headers)}`).toBeDefined();
        expect(seen.has(bad!.id), `poison ${bad!.id} dead-lettered twice`).toBe(false);
        seen.add(bad!.id);
        expect({
          kind: bad!.kind,
          key: letter.key,
          same: bad!.value === null ? letter.value === null : letter.value?.equals(bad!.value),
        }).toEqual({ kind: bad!.kind, key: bad!.key, same: true });
        expect(letter.headers.error, `${bad!.kind}`).toMatch(bad!.reason);
        expect(letter.headers).toMatchObject({ 'error.stage': 'decode', 'original.topic': topic });
      }
      expect(seen.size).toBe(BAD);
    },
  );
});
