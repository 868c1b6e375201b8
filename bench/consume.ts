/**
 * Consume throughput: the real engine (1m and 5m bars, indicators, alerts, the InfluxDB sink writing
 * ticks and bars) against a bare kafkajs consumer that only reads and JSON-parses, on the same
 * pre-loaded topic, alternating in the same run so the ratio is fair on a noisy machine.
 *
 * Each timing runs from the first batch until every tick is acknowledged (engine: by InfluxDB, whose
 * writes carry the bars between the ticks; bare: parsed). Afterwards a Flux count checks that
 * InfluxDB holds every tick and every acknowledged bar. A third timing runs the engine with a sink
 * that acknowledges at once, to tell the engine's own cost from InfluxDB's.
 */
import type { Config } from '../src/config/schema.ts';
import type { WindowOutput } from '../src/model.ts';
import { runBenches, type Bench, type Figure } from './lib/report.ts';
import { median } from './lib/stats.ts';
import { bareRead, perSecond, type Timing } from './lib/bare.ts';
import { preload, startConsume, syntheticTicks } from './lib/pipeline.ts';
import {
  benchSymbols,
  countPoints,
  createBucket,
  createTopic,
  deleteBucket,
  deleteKafkaResources,
  envNumber,
  runConfig,
  uniqueName,
  waitFor,
} from './lib/services.ts';

const TICKS = envNumber('BENCH_TICKS', 1_000_000);
const RUNS = envNumber('BENCH_CONSUME_RUNS', 3);
const SYMBOLS = 500;
const PARTITIONS = 4;
/** Event time per tick: 1M ticks span ~17 minutes, so every symbol closes ~16 1m and 3 5m bars. */
const EVENT_RATE = 1_000;
/** Generous bound on one timed read: 10× slower than the target still finishes. */
const READ_TIMEOUT_MS = Math.max(60_000, TICKS / 10);

interface EngineTiming extends Timing {
  bars: number;
  outputs: number;
}

/** Times the engine from its first batch until `expected` ticks are acknowledged; `bars` counts every bar acknowledged until it stopped. */
async function timeEngine(config: Config, sinks: 'configured' | 'null', expected: number): Promise<EngineTiming & { allBars: number }> {
  let ticks = 0;
  let bars = 0;
  let outputs = 0;
  let last: number | undefined;
  let barsAtLast = 0;
  const engine = startConsume(
    config,
    (batch: readonly WindowOutput[]) => {
      outputs += batch.length;
      for (const output of batch) {
        if (output.kind === 'tick') ticks++;
        else if (output.kind === 'bar') bars++;
      }
      if (ticks >= expected && last === undefined) {
        last = performance.now();
        barsAtLast = bars;
      }
    },
    sinks,
  );
  try {
    await waitFor('the sink to acknowledge every tick', () => (engine.check(), last), READ_TIMEOUT_MS);
  } finally {
    await engine.stop();
  }
  if (bars === 0) throw new Error('no bar closed: the synthetic ticks should span several minutes');
  return { ticks, ms: last! - engine.firstBatchAt()!, bars: barsAtLast, outputs, allBars: bars };
}

const engineConfig = (topic: string, group: string, bucket: string) =>
  runConfig({ prices: topic, bucket, group }, { sinks: { enabled: ['influx'], writeTicks: true }, windows: { bars: { intervals: ['1m', '5m'] } } });

/** The engine into a fresh bucket until InfluxDB acknowledged every tick, then a Flux count of what it holds. */
export async function engineRun(topic: string, group: string, expected = TICKS): Promise<EngineTiming> {
  const bucket = uniqueName('consume');
  const bucketId = await createBucket(bucket);
  try {
    const config = engineConfig(topic, group, bucket);
    const { allBars, ...timing } = await timeEngine(config, 'configured', expected);
    const storedTicks = await countPoints(bucket, config.influx.measurements.ticks, 'price');
    const storedBars = await countPoints(bucket, config.influx.measurements.bars, 'close');
    if (storedTicks !== expected) throw new Error(`InfluxDB holds ${storedTicks} ticks, expected ${expected}`);
    // Bars the idle timer closed while stopping are acknowledged after the timing ended; count them all.
    if (storedBars !== allBars) throw new Error(`InfluxDB holds ${storedBars} bars, the sink acknowledged ${allBars}`);
    return timing;
  } finally {
    await deleteBucket(bucketId);
  }
}

/** The same engine with a sink that acknowledges at once: its own ceiling, without InfluxDB. */
export async function engineAloneRun(topic: string, group: string, expected = TICKS): Promise<EngineTiming> {
  const { allBars: _, ...timing } = await timeEngine(engineConfig(topic, group, 'unused'), 'null', expected);
  return timing;
}

export const consume: Bench = {
  name: 'consume',
  description: `${TICKS.toLocaleString('en-US')} ticks of ${SYMBOLS} symbols on ${PARTITIONS} partitions: engine (1m+5m bars, indicators, alerts, InfluxDB ticks+bars; and with a sink that acks at once) vs bare kafkajs read+parse, ${RUNS} runs`,
  async run() {
    const topic = uniqueName('consume');
    const groups: string[] = [];
    try {
      await createTopic(topic, PARTITIONS);
      const loadStarted = performance.now();
      await preload(runConfig({ prices: topic, bucket: 'unused' }), syntheticTicks(benchSymbols(SYMBOLS), EVENT_RATE), TICKS);
      process.stderr.write(`  pre-loaded ${TICKS} ticks in ${((performance.now() - loadStarted) / 1000).toFixed(1)}s\n`);

      const bare: Timing[] = [];
      const alone: Timing[] = [];
      const engine: EngineTiming[] = [];
      for (let run = 0; run < RUNS; run++) {
        const [bareGroup, aloneGroup, engineGroup] = [uniqueName('bare'), uniqueName('alone'), uniqueName('engine')];
        groups.push(bareGroup, aloneGroup, engineGroup);
        bare.push(await bareRead(topic, bareGroup, TICKS, READ_TIMEOUT_MS));
        alone.push(await engineAloneRun(topic, aloneGroup));
        engine.push(await engineRun(topic, engineGroup));
        const rates = [bare, alone, engine].map((timings) => Math.round(perSecond(timings[run]!)));
        process.stderr.write(`  run ${run + 1}: bare ${rates[0]}/s, engine without a database ${rates[1]}/s, engine → InfluxDB ${rates[2]}/s\n`);
      }
      const engineRate = median(engine.map(perSecond));
      const ratioTo = (timings: Timing[]) => median(timings.map((timing, i) => perSecond(timing) / perSecond(bare[i]!)));
      const ratio = ratioTo(engine);
      const checked = `InfluxDB count checked: ${TICKS.toLocaleString('en-US')} ticks + ${engine[0]!.bars.toLocaleString('en-US')} bars`;
      return [
        { bench: 'consume', metric: 'engine → InfluxDB', value: engineRate, unit: 'ticks/s', target: '≥ 100000', met: engineRate >= 100_000, note: `median of ${RUNS}; ${checked}` },
        { bench: 'consume', metric: 'bare kafkajs read+parse', value: median(bare.map(perSecond)), unit: 'ticks/s', note: `median of ${RUNS}, same topic` },
        { bench: 'consume', metric: 'engine / bare', value: ratio, unit: '×', target: '≥ 0.6', met: ratio >= 0.6, note: 'median of per-run ratios' },
        { bench: 'consume', metric: 'engine, sink acks at once', value: median(alone.map(perSecond)), unit: 'ticks/s', note: `no database: ${ratioTo(alone).toFixed(2)} × bare` },
      ] satisfies Figure[];
    } finally {
      await deleteKafkaResources([topic], groups);
    }
  },
};

if (import.meta.main) await runBenches([consume]);
