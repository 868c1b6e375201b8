/**
 * A live-paced stream for the fault tests that disturb something while `produce` and `consume`
 * run: a fresh suite, a seeded session written as a replay file, and the results of an undisturbed
 * run to compare with.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SinkName } from '../../../src/config/schema.ts';
import { encodeTick, type Tick } from '../../../src/model.ts';
import { runCli } from '../../support/cli.ts';
import { createSuite, type ConsumeSuite } from '../../consume/support/suite.ts';
import { expectedResults, type Results } from '../../consume/support/ticks.ts';
import { session } from './session.ts';

/** Replay pace: the 30 minutes of event time take about 40 s, so a disturbance falls mid-stream. */
const SPEED = 48;

export interface ReplayStream {
  suite: ConsumeSuite;
  ticks: Tick[];
  expected: Results;
  /** Runs `produce --source replay` of the stream; resolves when it exits. */
  produce(): ReturnType<typeof runCli>;
}

/** `sinks`: the sinks the test reads back (InfluxDB unless it says otherwise). */
export async function replayStream(
  prefix: string,
  seed: number,
  sinks: SinkName[] = ['influx'],
): Promise<ReplayStream> {
  const suite = await createSuite(prefix, { sinks: { enabled: sinks } });
  const ticks = session({ seed, symbols: ['AAPL', 'MSFT', 'NVDA', 'AMZN'], minutes: 30 }).all;
  const file = join(suite.dir, 'session.ndjson');
  writeFileSync(file, ticks.map((tick) => encodeTick(tick)).join('\n') + '\n');
  return {
    suite,
    ticks,
    expected: expectedResults(suite.config.windows, ticks),
    produce: () =>
      runCli(
        [
          '--config',
          suite.configPath,
          '--json',
          'produce',
          '--source',
          'replay',
          '--file',
          file,
          '--speed',
          String(SPEED),
        ],
        { timeoutMs: 240_000 },
      ),
  };
}
