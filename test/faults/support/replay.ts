/**
 * A live-paced stream for the fault tests that disturb something while `produce` and `consume`
 * run: a fresh suite, a seeded session written as a replay file, and the read-back to compare with
 * an undisturbed run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SinkName } from '../../../src/config/schema.ts';
import { encodeTick, type Tick } from '../../../src/model.ts';
import { runCli } from '../../support/cli.ts';
import type { ConsumeSuite } from '../../consume/support/suite.ts';
import { faultSuite } from './cleanup.ts';
import { readBack, type ReadBack } from './read-back.ts';
import { session } from './session.ts';

/** Replay pace: the 30 minutes of event time take about 40 s, so a disturbance falls mid-stream. */
const SPEED = 48;

export interface ReplayStream {
  suite: ConsumeSuite;
  ticks: Tick[];
  back: ReadBack;
  /** Runs `produce --source replay` of the stream; resolves when it exits. */
  produce(): ReturnType<typeof runCli>;
}

/** `sinks`: the sinks the test reads back (InfluxDB unless it says otherwise). */
export async function replayStream(
  prefix: string,
  seed: number,
  sinks: SinkName[] = ['influx'],
): Promise<ReplayStream> {
  const suite = await faultSuite(prefix, { sinks: { enabled: sinks } });
  const stream = session({ seed, symbols: ['AAPL', 'MSFT', 'NVDA', 'AMZN'], minutes: 30 });
  const file = join(suite.dir, 'session.ndjson');
  writeFileSync(file, stream.all.map((tick) => encodeTick(tick)).join('\n') + '\n');
  return {
    suite,
    ticks: stream.all,
    back: readBack(suite, stream),
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
