/**
 * Consume throughput: the real engine (1m and 5m bars, indicators, alerts, the InfluxDB sink writing
 * ticks and bars) against a bare kafkajs consumer that only reads and JSON-parses, on the same
 * pre-loaded topic, alternating in the same run so the ratio is fair on a noisy machine.
 *
 * Each timing runs from the first batch until the last tick is acknowledged (engine: by InfluxDB,
 * which the sink queue writes in order, so every bar before it is acknowledged too; bare: parsed).
 * Afterwards a Flux count checks that InfluxDB holds every tick and every acknowledged bar.
 */
import type { WindowOutput } from '../src/model.ts';
import { runBenches, type Bench, type Figure } from './lib/report.ts';
import { median } from './lib/stats.ts';
import { preload, startConsume, syntheticTicks } from './lib/pipeline.ts';
import {
  benchKafka,
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

/** The same fetch sizes as the engine, so only the work per message differs. */
const FETCH = { maxWaitTimeInMs: 250, maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 32 * 1024 * 1024 };

interface Timing {
  ticks: number;
  ms: number;
}

const perSecond = ({ ticks, ms }: Timing) => (ticks * 1_000) / ms;

/** Reads the topic from the start with a fresh group, JSON-parsing every value, until `ticks` are read. */
export async function bareRead(topic: string, group: string, ticks = TICKS): Promise<Timing> {
  const consumer = benchKafka().consumer({ groupId: group, allowAutoTopicCreation: false, ...FETCH });
  await consumer.connect();
  try {
    let first: number | undefined;
    let last: number | undefined;
    let count = 0;
    let checksum = 0;
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        first ??= performance.now();
        for (const message of batch.messages) {
          if (message.value === null) continue;
          // Using a parsed field keeps the parse from being optimised away.
          checksum += (JSON.parse(message.value.toString('utf8')) as { price: number }).price;
          count++;
        }
        if (count >= ticks) last ??= performance.now();
      },
    });
    await waitFor('the bare consumer to read every tick', () => last, READ_TIMEOUT_MS);
    if (!(checksum > 0)) throw new Error('bare consumer parsed no prices');
    return { ticks: count, ms: last! - first! };
  } finally {
    await consumer.disconnect();
  }
}

interface EngineTiming extends Timing {
  bars: number;
  outputs: number;
}

/** Runs the engine into a fresh bucket until every tick is acknowledged by InfluxDB, then checks the counts. */
export async function engineRun(topic: string, group: string, expected = TICKS): Promise<EngineTiming> {
  const bucket = uniqueName('consume');
  const bucketId = await createBucket(bucket);
  try {
    const config = runConfig({ prices: topic, bucket, group }, { sinks: { enabled: ['influx'], writeTicks: true }, windows: { bars: { intervals: ['1m', '5m'] } } });
    let ticks = 0;
    let bars = 0;
    let outputs = 0;
    let last: number | undefined;
    let barsAtLast = 0;
    const engine = startConsume(config, (batch: readonly WindowOutput[]) => {
      outputs += batch.length;
      for (const output of batch) {
        if (output.kind === 'tick') ticks++;
        else if (output.kind === 'bar') bars++;
      }
      if (ticks >= expected && last === undefined) {
        last = performance.now();
        barsAtLast = bars;
      }
    });
    let timing: EngineTiming;
    try {
      await waitFor('InfluxDB to acknowledge every tick', () => (engine.check(), last), READ_TIMEOUT_MS);
      timing = { ticks, ms: last! - engine.firstBatchAt()!, bars: barsAtLast, outputs };
    } finally {
      await engine.stop();
    }
    const [storedTicks, storedBars] = [await countPoints(bucket, config.influx.measurements.ticks, 'price'), await countPoints(bucket, config.influx.measurements.bars, 'close')];
    if (storedTicks !== expected) throw new Error(`InfluxDB holds ${storedTicks} ticks, expected ${expected}`);
    // Bars the idle timer closed while stopping are acknowledged after the timing ended; count them all.
    if (storedBars !== bars) throw new Error(`InfluxDB holds ${storedBars} bars, the sink acknowledged ${bars}`);
    if (bars === 0) throw new Error('no bar closed: the synthetic ticks should span several minutes');
    return timing;
  } finally {
    await deleteBucket(bucketId);
  }
}

export const consume: Bench = {
  name: 'consume',
  description: `${TICKS.toLocaleString('en-US')} ticks of ${SYMBOLS} symbols on ${PARTITIONS} partitions: engine (1m+5m bars, indicators, alerts, InfluxDB ticks+bars) vs bare kafkajs read+parse, ${RUNS} runs`,
  async run() {
    const topic = uniqueName('consume');
    const groups: string[] = [];
    try {
      await createTopic(topic, PARTITIONS);
      const loadStarted = performance.now();
      await preload(runConfig({ prices: topic, bucket: 'unused' }), syntheticTicks(benchSymbols(SYMBOLS), EVENT_RATE), TICKS);
      process.stderr.write(`  pre-loaded ${TICKS} ticks in ${((performance.now() - loadStarted) / 1000).toFixed(1)}s\n`);

      const bare: Timing[] = [];
      const engine: EngineTiming[] = [];
      for (let run = 0; run < RUNS; run++) {
        const bareGroup = uniqueName('bare');
        const engineGroup = uniqueName('engine');
        groups.push(bareGroup, engineGroup);
        bare.push(await bareRead(topic, bareGroup));
        engine.push(await engineRun(topic, engineGroup));
        process.stderr.write(`  run ${run + 1}: bare ${Math.round(perSecond(bare[run]!))}/s, engine ${Math.round(perSecond(engine[run]!))}/s\n`);
      }
      const engineRate = median(engine.map(perSecond));
      const ratio = median(engine.map((timing, i) => perSecond(timing) / perSecond(bare[i]!)));
      const checked = `InfluxDB count checked: ${TICKS.toLocaleString('en-US')} ticks + ${engine[0]!.bars.toLocaleString('en-US')} bars`;
      return [
        { bench: 'consume', metric: 'engine → InfluxDB', value: engineRate, unit: 'ticks/s', target: '≥ 100000', met: engineRate >= 100_000, note: `median of ${RUNS}; ${checked}` },
        { bench: 'consume', metric: 'bare kafkajs read+parse', value: median(bare.map(perSecond)), unit: 'ticks/s', note: `median of ${RUNS}, same topic` },
        { bench: 'consume', metric: 'engine / bare', value: ratio, unit: '×', target: '≥ 0.6', met: ratio >= 0.6, note: 'median of per-run ratios' },
      ] satisfies Figure[];
    } finally {
      await deleteKafkaResources([topic], groups);
    }
  },
};

if (import.meta.main) await runBenches([consume]);
