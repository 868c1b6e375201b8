/**
 * The engine against the real Kafka, property-based (fast-check; a failure prints its seed and the
 * shrunk input, and FC_SEED=<seed> replays it): random poison — arbitrary bytes, arbitrary JSON,
 * valid ticks with one field replaced by an arbitrary JSON value, tombstones — mixed at random
 * places into a valid stream never stops `consume` (shipped defaults), and every message ends in
 * exactly one place: applied to the windows, or once in the dead-letter topic.
 *
 * The fixed-seed scenario with 1,000 hand-made poison kinds is test/faults/poison.test.ts; this one
 * lets the machine find the inputs nobody thought of.
 */
import fc from 'fast-check';
import type { Message } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { dlqTopic } from '../../src/kafka/topics.ts';
import { encodeTick, TICK_OPTIONAL_NUMBERS, TICK_OPTIONAL_STRINGS, type Tick } from '../../src/model.ts';
import { waitForAllCommitted } from '../faults/support/progress.ts';
import { session } from '../faults/support/session.ts';
import { readAll } from '../faults/support/topic.ts';
import { sendInOrder } from '../support/topics.ts';
import { startConsumer, type ConsumerProcess } from './support/consumer-process.ts';
import { createSuite } from './support/suite.ts';

// The fields a poison may replace: every field of a tick — the optional ones from the decoder's own
// lists in src/model.ts — plus the envelope's `v` and one field the decoder ignores.
const TICK_REQUIRED = ['symbol', 'time', 'price', 'source'] as const satisfies readonly (keyof Tick)[];
const TICK_OTHER_OPTIONAL = ['marketState', 'backfill'] as const satisfies readonly (keyof Tick)[];
type Listed = (
  typeof TICK_REQUIRED | typeof TICK_OPTIONAL_NUMBERS | typeof TICK_OPTIONAL_STRINGS | typeof TICK_OTHER_OPTIONAL
)[number];
// A field added to Tick does not compile here until it is listed, so the property covers it.
const _everyTickFieldListed: [Exclude<keyof Tick, Listed>] extends [never] ? true : never = true;
const TICK_FIELDS = [
  'v',
  ...TICK_REQUIRED,
  ...TICK_OPTIONAL_NUMBERS,
  ...TICK_OPTIONAL_STRINGS,
  ...TICK_OTHER_OPTIONAL,
  'extra',
];

/** One bad (or possibly still good) message, built from a valid tick of the stream. */
const poison = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => () => Buffer.from(bytes) as Buffer | null),
  fc.jsonValue({ maxDepth: 3 }).map((value) => () => Buffer.from(JSON.stringify(value) ?? 'null') as Buffer | null),
  fc
    .record({ field: fc.constantFrom(...TICK_FIELDS), value: fc.jsonValue({ maxDepth: 2 }) })
    .map(({ field, value }) => (tick: Tick) => {
      const json: Record<string, unknown> = JSON.parse(encodeTick(tick));
      json[field] = value;
      return Buffer.from(JSON.stringify(json)) as Buffer | null;
    }),
  fc.constant(() => null as Buffer | null),
);

const scenario = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  bad: fc.array(
    fc.record({ make: poison, at: fc.double({ min: 0, max: 1, noNaN: true }), of: fc.nat(), keyed: fc.boolean() }),
    { minLength: 1, maxLength: 40 },
  ),
});

let consumer: ConsumerProcess | undefined;
afterEach(async () => {
  await consumer?.stop('SIGKILL');
  consumer = undefined;
});

describe('consume with random poison (property-based, real Kafka)', () => {
  it('never stops, and every message is applied or dead-lettered exactly once', { timeout: 300_000 }, async () => {
    const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
    await fc.assert(
      fc.asyncProperty(scenario, async ({ seed: streamSeed, bad }) => {
        // Only the file sink: this is about where each message ends, not about a database.
        const suite = await createSuite('poison_property', { partitions: 2, sinks: { enabled: ['file'] } });
        const { all } = session({ seed: streamSeed, symbols: ['AAPL', 'MSFT'], minutes: 3 });
        const messages: Message[] = all.map((tick) => ({ key: tick.symbol, value: encodeTick(tick) }));
        for (const { make, at, of, keyed } of bad) {
          const tick = all[of % all.length]!;
          messages.splice(Math.floor(at * messages.length), 0, { key: keyed ? tick.symbol : null, value: make(tick) });
        }
        const topic = suite.config.kafka.topics.prices;
        await sendInOrder(topic, messages);

        consumer = await startConsumer(suite.configPath);
        await waitForAllCommitted(suite, consumer, 'the whole topic committed', 120_000);
        const metrics = await consumer.metrics();
        expect(consumer.child.exitCode, `the consumer stopped:\n${consumer.stderr()}`).toBeNull();
        const applied = metrics.get('stockstream_ticks_consumed_total') ?? 0;
        const dead = metrics.get('stockstream_dlq_messages_total') ?? 0;
        expect(applied + dead, 'every message in exactly one place').toBe(messages.length);
        expect(applied, 'the valid stream is mostly applied').toBeGreaterThan(0);
        expect(await consumer.stop('SIGTERM')).toEqual({ code: 0, signal: null });
        consumer = undefined;

        if (dead > 0) {
          const letters = await readAll(dlqTopic(topic), dead);
          const places = letters.map(
            (letter) => `${letter.headers['original.partition']}:${letter.headers['original.offset']}`,
          );
          expect(new Set(places).size, 'no message dead-lettered twice').toBe(letters.length);
          for (const letter of letters) {
            expect(letter.headers['error.stage']).toMatch(/^(decode|late|future|process)$/);
            expect(letter.headers.error).toBeTruthy();
          }
        }
      }),
      { numRuns: 3, seed, endOnFailure: true },
    );
  });
});
