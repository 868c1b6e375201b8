/**
 * Scenario 5: SIGTERM while `consume` is busy with a large backlog. It stops fetching, drains its
 * sink buffers, checkpoints, commits exactly what it applied, leaves the group and exits 0 within
 * 10 s. The proof that nothing was lost or doubled: a second consumer applies exactly the rest, and
 * the stored results equal an uninterrupted run's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsumer, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { influxResults, postgresResults } from '../consume/support/read-back.ts';
import { createSuite, produce, type ConsumeSuite } from '../consume/support/suite.ts';
import { beforeClosingTicks, expectedResults, tickMessages, type Results } from '../consume/support/ticks.ts';
import { committedOffsets, waitForAllCommitted } from './support/progress.ts';
import { allUp } from './support/servers.ts';
import { session } from './support/session.ts';

const STOP_WITHIN_MS = 10_000;

let suite: ConsumeSuite;
let total: number;
let expected: Results;
/** The last tick before the closing ones (see beforeClosingTicks). */
let lastTime: number;
const running: ConsumerProcess[] = [];

beforeAll(async () => {
  // Small sink buffers: InfluxDB's write speed (every tick is a point) sets the pace, so at the
  // signal the buffers are full and most of the backlog is still unread.
  suite = await createSuite('fault_sigterm', {
    sinks: { enabled: ['influx', 'postgres'], batchSize: 2_000, maxBuffered: 10_000 },
  });
  const { all } = session({
    seed: 8,
    symbols: ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'META', 'GOOGL', 'TSLA', 'AMD', 'INTC', 'ORCL'],
    minutes: 300,
  });
  total = all.length;
  // On the defaults the idle timer closes a caught-up partition's last windows (those of its
  // closing ticks) 10 s after its last tick; whether that happened before the read-back depends on
  // how long the catch-up took (a CI run stored 2 such bars), so compare what the stream closes.
  const symbols = new Set(all.map((tick) => tick.symbol)).size;
  lastTime = all.slice(0, -symbols).reduce((last, tick) => Math.max(last, tick.time), 0); // one closing tick a symbol ends `all`
  expected = beforeClosingTicks(expectedResults(suite.config.windows, all), lastTime);
  await produce(suite.config.kafka.topics.prices, tickMessages(all));
});

afterAll(async () => {
  await Promise.all(running.map((consumer) => consumer.stop('SIGKILL')));
  await allUp();
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

      expect(beforeClosingTicks(await postgresResults(suite.postgresUrl), lastTime)).toEqual(expected);
      expect(beforeClosingTicks(await influxResults(suite.influx, suite.config), lastTime)).toEqual(expected);
    },
  );
});
