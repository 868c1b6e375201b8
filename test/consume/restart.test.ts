/**
 * Nothing lost, nothing doubled, across a crash and rebalances: a consumer is killed with SIGKILL
 * in the middle of the stream, started again, a second consumer joins the group while more ticks
 * arrive, then leaves, so its partitions come back to the first one (which reads their state from
 * the state topic again). The stored bars, indicators and alerts must equal an uninterrupted run's
 * exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tick } from '../../src/model.ts';
import { describeConsumer, startConsumer, waitForMetric, type ConsumerProcess } from './support/consumer-process.ts';
import { waitFor } from '../support/wait.ts';
import { influxResults, postgresCounts, postgresResults } from './support/read-back.ts';
import { createSuite, groupProgress, produce, type ConsumeSuite } from './support/suite.ts';
import { closingTicks, expectedResults, tickMessages, tickStream, type Results } from './support/ticks.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'GOOGL', 'AMZN', 'META'];

let suite: ConsumeSuite;
let parts: Tick[][];
let expected: Results;
const running: ConsumerProcess[] = [];

beforeAll(async () => {
  suite = await createSuite('consume_restart');
  const stream = tickStream({ seed: 7, symbols: SYMBOLS, minutes: 60 });
  const all = [...stream, ...closingTicks(stream)];
  const a = Math.floor(all.length * 0.4);
  const b = Math.floor(all.length * 0.7);
  const c = Math.floor(all.length * 0.85);
  parts = [all.slice(0, a), all.slice(a, b), all.slice(b, c), all.slice(c)];
  expected = expectedResults(suite.config.windows, all);
});

afterAll(async () => {
  await Promise.all(running.map((consumer) => consumer.stop('SIGKILL')));
});

/** How often the consumer restored each partition, from its log. */
function restoresOf(consumer: ConsumerProcess): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [, partition] of consumer
    .stderr()
    .matchAll(/partition (\d+): (?:restored \d+ symbol\(s\), )?reading from/g)) {
    counts.set(partition!, (counts.get(partition!) ?? 0) + 1);
  }
  return counts;
}

/** Publishes in chunks, so a consumer reads while the stream is still being written. */
async function produceGradually(ticks: Tick[], chunks = 10): Promise<void> {
  const size = Math.ceil(ticks.length / chunks);
  for (let i = 0; i < ticks.length; i += size) {
    await produce(suite.config.kafka.topics.prices, tickMessages(ticks.slice(i, i + size)));
    await new Promise((resolve) => setTimeout(resolve, 100)); // pacing the producer, not waiting for a result
  }
}

async function start(): Promise<ConsumerProcess> {
  const consumer = await startConsumer(suite.configPath);
  running.push(consumer);
  return consumer;
}

describe('restart and rebalance', () => {
  it(
    'a consumer killed mid-stream, restarted, joined by a second one that leaves again, gives the uninterrupted results',
    { timeout: 300_000 },
    async () => {
      const [a, b, c, d] = parts as [Tick[], Tick[], Tick[], Tick[]];
      await produce(suite.config.kafka.topics.prices, tickMessages(a));
      const first = await start();
      await waitForMetric(first, 'stockstream_ticks_consumed_total', a.length);
      await waitForMetric(first, 'stockstream_checkpoints_total', 1);

      // Kill it with SIGKILL while part B streams in: no chance to flush, checkpoint or leave the group.
      const producingB = produceGradually(b);
      await waitForMetric(first, 'stockstream_ticks_consumed_total', a.length + Math.floor(b.length / 3));
      await first.stop('SIGKILL');
      await producingB;
      const consumedBeforeKill = await groupProgress(suite.config.kafka.groupId, suite.config.kafka.topics.prices);
      const total = a.length + b.length;
      expect(consumedBeforeKill.reduce((sum, p) => sum + Math.max(0, p.committed), 0)).toBeLessThan(total);

      const restarted = await start();
      await waitFor(
        () => (/restored \d+ symbol/.test(restarted.stderr()) ? true : undefined),
        'the restarted consumer to restore window state',
        60_000,
        () => describeConsumer(restarted),
      );
      const second = await start();
      await waitFor(
        () => (/assigned partition\(s\) \d/.test(second.stderr()) ? true : undefined),
        'the second consumer to get partitions',
        90_000,
        () => describeConsumer(second),
      );
      await produceGradually(c);
      await waitForMetric(second, 'stockstream_ticks_consumed_total', 1);
      const secondTicks = (await second.metrics()).get('stockstream_ticks_consumed_total') ?? 0;
      expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      // The second consumer's partitions come back to the first, which restores them again from
      // what the second one wrote, when their next batch arrives.
      await produceGradually(d);

      await waitFor(
        async () => {
          const counts = await postgresCounts(suite.postgresUrl);
          const progress = await groupProgress(suite.config.kafka.groupId, suite.config.kafka.topics.prices);
          const committed = progress.every((p) => p.committed === p.end || p.end === 0);
          return committed && counts.bars >= expected.bars.length && counts.indicators >= expected.indicators.length
            ? true
            : undefined;
        },
        'every result stored and every offset committed',
        120_000,
        async () =>
          `${JSON.stringify(await postgresCounts(suite.postgresUrl))} want ${expected.bars.length} bars\n--- restarted\n${await describeConsumer(restarted)}`,
      );

      expect(secondTicks, 'the second consumer took part').toBeGreaterThan(0);
      expect(
        Math.max(...restoresOf(restarted).values()),
        'a partition came back and was restored again',
      ).toBeGreaterThanOrEqual(2);
      expect(await restarted.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      expect(await postgresResults(suite.postgresUrl)).toEqual(expected);
      expect(await influxResults(suite.influx, suite.config)).toEqual(expected);
    },
  );
});
