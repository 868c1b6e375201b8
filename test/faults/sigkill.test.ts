/**
 * Scenario 4: `consume` killed with SIGKILL at seeded random points — while restoring state, and
 * after a random number of ticks, several times — and started again each time. No chance to flush,
 * checkpoint or leave the group; the stored bars, indicators and alerts must still equal an
 * uninterrupted run's exactly — in InfluxDB, PostgreSQL and, each once, the kafka sink's topics —
 * no tick may be dead-lettered as late because of a restart, and each bad message mixed into the
 * stream is in the DLQ exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dlqTopic } from '../../src/kafka/topics.ts';
import { seededRandom } from '../../src/windows/testing.ts';
import {
  describeConsumer,
  startConsumer,
  waitForMetric,
  type ConsumerProcess,
} from '../consume/support/consumer-process.ts';
import { waitFor } from '../support/wait.ts';
import { groupProgress, produce, type ConsumeSuite } from '../consume/support/suite.ts';
import { tickMessages } from '../consume/support/ticks.ts';
import { readAtLeast } from '../consume/support/kafka-outputs.ts';
import { dropMade, faultSuite } from './support/cleanup.ts';
import { waitForAllCommitted } from './support/progress.ts';
import { expectKafkaOnce, readBack, type ReadBack } from './support/read-back.ts';
import { allUp } from './support/servers.ts';
import { session } from './support/session.ts';

/** Change the seed to explore other kill points; a failure names the seed and the points. */
const SEED = 20_261_125;
const KILLS = 3;

/** Bad messages mixed into the stream: each must end up in the DLQ exactly once, whatever the kills. */
const POISON = 40;

let suite: ConsumeSuite;
let total: number;
let back: ReadBack;
let poison: string[];
const running: ConsumerProcess[] = [];

beforeAll(async () => {
  // Every sink: the kafka sink's outputs and the dead letters go into the transactions the kills cut through.
  suite = await faultSuite('fault_sigkill', { sinks: { enabled: ['influx', 'postgres', 'kafka'] } });
  const stream = session({ seed: 4, symbols: ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'META'], minutes: 60 });
  const messages = tickMessages(stream.all);
  poison = Array.from({ length: POISON }, (_, i) => `not a tick #${i}`);
  // Spread over the stream, keyed like a neighbouring tick so they share its partition.
  for (let i = POISON - 1; i >= 0; i--) {
    const at = Math.floor(((i + 0.5) * messages.length) / POISON);
    messages.splice(at, 0, { key: messages[at]!.key, value: poison[i]! });
  }
  total = messages.length;
  back = readBack(suite, stream);
  await produce(suite.config.kafka.topics.prices, messages);
});

afterAll(async () => {
  await Promise.all(running.map((consumer) => consumer.stop('SIGKILL')));
  await allUp();
  await dropMade();
});

type KillPoint = { when: 'restoring' } | { when: 'after-ticks'; ticks: number };

/** The first kill lands while the first consumer reads; later ones also while a restart restores. */
function killPoints(random: () => number): KillPoint[] {
  return Array.from({ length: KILLS }, (_, i): KillPoint => {
    if (i > 0 && random() < 0.34) return { when: 'restoring' };
    return { when: 'after-ticks', ticks: 200 + Math.floor(random() * total * 0.2) };
  });
}

async function killAt(consumer: ConsumerProcess, point: KillPoint): Promise<string> {
  if (point.when === 'restoring') {
    await waitFor(
      () => (/assigned partition\(s\) \d/.test(consumer.stderr()) ? true : undefined),
      'a partition assignment',
      90_000,
      () => describeConsumer(consumer),
    );
  } else {
    await waitForMetric(consumer, 'stockstream_ticks_consumed_total', point.ticks, 90_000);
  }
  const read = (await consumer.metrics()).get('stockstream_ticks_consumed_total') ?? 0;
  expect(await consumer.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
  return `${point.when} (${read} ticks read)`;
}

describe('SIGKILL at random points', () => {
  it(
    `restarted ${KILLS} times after SIGKILL, consume stores exactly the uninterrupted results (seed ${SEED})`,
    { timeout: 420_000 },
    async () => {
      const points = killPoints(seededRandom(SEED));
      const killed: string[] = [];
      for (const point of points) {
        const consumer = await startConsumer(suite.configPath);
        running.push(consumer);
        killed.push(await killAt(consumer, point));
      }
      const progress = await groupProgress(suite.config.kafka.groupId, suite.config.kafka.topics.prices);
      expect(
        progress.reduce((sum, p) => sum + Math.max(0, p.committed), 0),
        `killed before the end: ${killed.join(', ')}`,
      ).toBeLessThan(total);

      const last = await startConsumer(suite.configPath);
      running.push(last);
      await waitForAllCommitted(suite, last, `every offset committed after the kills at ${killed.join(', ')}`, 180_000);
      const metrics = await last.metrics();
      expect(metrics.get('stockstream_late_ticks_total') ?? 0, 'ticks judged late after a restart').toBe(0);
      expect(await last.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      // Exactly-once (the default): each bad message once in the DLQ, nothing else — none late.
      const dead = await readAtLeast(dlqTopic(suite.config.kafka.topics.prices), POISON);
      expect(dead.sort(), `dead letters after the kills at ${killed.join(', ')}`).toEqual([...poison].sort());
      expect(await back.postgres(), `kills at ${killed.join(', ')}`).toEqual(back.expected);
      expect(await back.influx(), `kills at ${killed.join(', ')}`).toEqual(back.expected);
      await expectKafkaOnce(back, `kafka sink after the kills at ${killed.join(', ')}`);
    },
  );
});
