/**
 * Producer throughput: `produce --source synthetic` as the command runs it (validation through the
 * wire codec, the real publisher: idempotent, acks=all, keyed by symbol) into a fresh topic per run.
 * Timed from the source's first tick to the last acknowledgement, so connecting is left out.
 */
import { produce } from '../src/sources/produce.ts';
import { runBenches, type Bench, type Figure } from './lib/report.ts';
import { median } from './lib/stats.ts';
import { preload, SESSION_OPEN, syntheticTicks } from './lib/pipeline.ts';
import {
  benchSymbols,
  createTopic,
  deleteKafkaResources,
  envNumber,
  quietLogger,
  runConfig,
  uniqueName,
} from './lib/services.ts';

const TICKS = envNumber('BENCH_PRODUCER_TICKS', 500_000);
const RUNS = envNumber('BENCH_PRODUCER_RUNS', 3);
const SYMBOLS = 500;
const PARTITIONS = 4;
/** Far above what one process can publish, so pacing never holds the source back. */
const UNPACED_RATE = 100_000_000;

async function produceOnce(): Promise<number> {
  const topic = uniqueName('producer');
  const config = runConfig(
    { prices: topic, bucket: 'unused' },
    {
      symbols: benchSymbols(SYMBOLS),
      source: {
        name: 'synthetic',
        synthetic: { rate: UNPACED_RATE, limit: TICKS, start: new Date(SESSION_OPEN).toISOString() },
      },
    },
  );
  // The synthetic source reads the clock first when it starts emitting: that is where timing starts.
  let firstTick: number | undefined;
  const now = () => {
    firstTick ??= performance.now();
    return Date.now();
  };
  try {
    const summary = await produce(config, {
      logger: quietLogger,
      signal: new AbortController().signal,
      limit: TICKS,
      deps: { now },
      statusIntervalMs: 3_600_000,
    });
    if (summary.published !== TICKS) throw new Error(`published ${summary.published} ticks, expected ${TICKS}`);
    return (TICKS * 1_000) / (performance.now() - firstTick!);
  } finally {
    await deleteKafkaResources([topic]);
  }
}

/** The publisher alone (no validation round trip) with a given compression: what the choice costs. */
async function publishOnce(compression: 'none' | 'gzip'): Promise<number> {
  const topic = uniqueName('publisher');
  try {
    await createTopic(topic, PARTITIONS);
    const ms = await preload(
      runConfig({ prices: topic, bucket: 'unused' }),
      syntheticTicks(benchSymbols(SYMBOLS), 1_000),
      TICKS,
      { compression },
    );
    return (TICKS * 1_000) / ms;
  } finally {
    await deleteKafkaResources([topic]);
  }
}

const thousands = (rates: number[]) => rates.map((rate) => `${Math.round(rate / 1_000)}k`).join(', ');

export const producer: Bench = {
  name: 'producer',
  description: `\`produce --source synthetic\`: ${TICKS.toLocaleString('en-US')} ticks of ${SYMBOLS} symbols through the real publisher, ${RUNS} runs; publisher alone uncompressed vs gzip`,
  async run() {
    const rates: number[] = [];
    const plain: number[] = [];
    const gzip: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      rates.push(await produceOnce());
      plain.push(await publishOnce('none'));
      gzip.push(await publishOnce('gzip'));
      process.stderr.write(
        `  run ${run + 1}: produce ${Math.round(rates[run]!)}/s; publisher none ${Math.round(plain[run]!)}/s, gzip ${Math.round(gzip[run]!)}/s\n`,
      );
    }
    const rate = median(rates);
    return [
      {
        bench: 'producer',
        metric: 'synthetic → Kafka',
        value: rate,
        unit: 'ticks/s',
        target: '≥ 100000',
        met: rate >= 100_000,
        note: `median of ${RUNS}: ${thousands(rates)}`,
      },
      {
        bench: 'producer',
        metric: 'publisher alone, uncompressed',
        value: median(plain),
        unit: 'ticks/s',
        note: `median of ${RUNS}: ${thousands(plain)} (the default)`,
      },
      {
        bench: 'producer',
        metric: 'publisher alone, gzip',
        value: median(gzip),
        unit: 'ticks/s',
        note: `median of ${RUNS}: ${thousands(gzip)}`,
      },
    ] satisfies Figure[];
  },
};

if (import.meta.main) await runBenches([producer]);
