/**
 * Scenario 5: SIGTERM while `consume` is busy with a large backlog. It stops fetching, drains its
 * sink buffers, checkpoints, commits exactly what it applied, leaves the group and exits 0 within
 * 10 s. The proof that nothing was lost or doubled: a second consumer applies exactly the rest, and
 * the stored results equal an uninterrupted run's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsumer, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { produce, type ConsumeSuite } from '../consume/support/suite.ts';
import { tickMessages } from '../consume/support/ticks.ts';
import { dropMade, faultSuite } from './support/cleanup.ts';
import { committedOffsets, waitForAllCommitted } from './support/progress.ts';
import { readBack, type ReadBack } from './support/read-back.ts';
import { allUp } from './support/servers.ts';
import { session } from './support/session.ts';

const STOP_WITHIN_MS = 10_000;

let suite: ConsumeSuite;
let total: number;
let back: ReadBack;
const running: ConsumerProcess[] = [];

beforeAll(async () => {
  // Small sink buffers: InfluxDB's write speed (every tick is a point) sets the pace, so at the
  // signal the buffers are full and most of the backlog is still unread.
  suite = await faultSuite('fault_sigterm', {
    sinks: { enabled: ['influx', 'postgres'], batchSize: 2_000, maxBuffered: 10_000 },
  });
  const stream = session({
    seed: 8,
    symbols: ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'META', 'GOOGL', 'TSLA', 'AMD', 'INTC', 'ORCL'],
    minutes: 300,
  });
  total = stream.all.length;
  back = readBack(suite, stream);
  await produce(suite.config.kafka.topics.prices, tickMessages(stream.all));
});

afterAll(async () => {
  await Promise.all(running.map((consumer) => consumer.stop('SIGKILL')));
  await allUp();
  await dropMade();
});

/** The count of the consumer's last line: `stopped after 3s: 12345 ticks, …`. */
function appliedTicks(stderr: string): number {
  const match = /stopped after \d+s: (\d+) ticks/.exec(stderr);
  if (!match) throw new Error(`no summary line in:\n${stderr}`);
  return Number(match[1]);
}

describe('SIGTERM during a busy consume', () => {
  it(
    'drains, commits what it applied and exits 0 within 10 s; a restart applies exactly the rest',
    { timeout: 240_000 },
    async () => {
      const busy = await startConsumer(suite.configPath);
      running.push(busy);
      await waitForMetric(busy, 'stockstream_ticks_consumed_total', Math.floor(total * 0.1), 90_000);
      const beforeStop = await busy.metrics();
      expect(beforeStop.get('stockstream_ticks_consumed_total'), 'still busy with the backlog').toBeLessThan(total / 2);

      const signalled = Date.now();
      const exit = await busy.stop('SIGTERM');
      const tookMs = Date.now() - signalled;
      expect(exit, busy.stderr()).toEqual({ code: 0, signal: null });
      expect(tookMs).toBeLessThan(STOP_WITHIN_MS);
      expect(busy.stderr()).toMatch(/SIGTERM received: finishing in-flight work/);

      // Everything it applied is committed, and nothing more.
      const applied = appliedTicks(busy.stderr());
      expect(applied).toBeLessThan(total);
      const committed = (await committedOffsets(suite)).reduce((sum, offset) => sum + Math.max(0, offset), 0);
      expect(committed).toBe(applied);

      const rest = await startConsumer(suite.configPath);
      running.push(rest);
      await waitForAllCommitted(suite, rest, 'the rest of the backlog committed', 180_000);
      expect((await rest.metrics()).get('stockstream_ticks_consumed_total'), 'ticks applied after the restart').toBe(
        total - applied,
      );
      expect(await rest.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      expect(await back.postgres()).toEqual(back.expected);
      expect(await back.influx()).toEqual(back.expected);
    },
  );
});
