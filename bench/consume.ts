/**
 * Consume against the machine's bound, at 100 and 5,000 symbols, on one pre-loaded topic each.
 *
 * Per workload, first an untimed capture: the real engine with a sink that stores nothing but
 * keeps the InfluxDB request bodies it would send and a fingerprint of every output and of every
 * line sent (checked against bench/expected.json: the same ticks, bars, indicators and lines as
 * before), and reads each tick's previous close back from the lines as a query would. Then, per
 * run and in the same order each time:
 * - bare: a kafkajs consumer that only reads and JSON-parses (bench/lib/bare.ts);
 * - InfluxDB alone: the captured bodies through the sink's own write path into a fresh bucket,
 *   as many writes in flight as the sink; then the same batches as whole lines (previous_close on
 *   every tick, as before the sink left it out where a symbol's minute has it), for the saving;
 * - engine: the real engine (1m and 5m bars, indicators, alerts, InfluxDB ticks + bars) until
 *   InfluxDB acknowledged every tick, then a Flux count of what the bucket holds.
 * CPU seconds of this process (reader or engine), the broker and InfluxDB come from /proc. After
 * the runs, consume's own work on the same ticks alone in this process (bench/lib/own-work.ts):
 * with the reader's CPU it gives the floor of the CPU ratio.
 *
 * The bound is what the machine could do for the same work if nothing but the unavoidable ran:
 * reading the ticks (bare reader CPU + the broker's CPU serving it) and storing the same points
 * (InfluxDB-alone CPU), spread over every core — and no faster than the reader or InfluxDB alone.
 */
import os from 'node:os';
import type { Config } from '../src/config/schema.ts';
import type { WindowOutput } from '../src/model.ts';
import { createLineEncoder } from '../src/sinks/influx/line-protocol.ts';
import { WRITES_IN_FLIGHT } from '../src/sinks/influx/influx.ts';
import { createInfluxWriter } from '../src/sinks/influx/writer.ts';
import type { Sink } from '../src/sinks/types.ts';
import { retry } from '../src/util/retry.ts';
import { bareRead, perSecond, type Timing } from './lib/bare.ts';
import { cpuMeter, cpuSince, type CpuMeter, type CpuSample } from './lib/cpu.ts';
import { checkFingerprint, fingerprintBuilder, previousCloseReader, type Fingerprint } from './lib/outputs.ts';
import { measureOwnWork, type OwnWork } from './lib/own-work.ts';
import { preload, startConsume, syntheticTicks } from './lib/pipeline.ts';
import { runBenches, type Bench, type Figure } from './lib/report.ts';
import {
  benchSymbols,
  countPoints,
  createBucket,
  createTopic,
  deleteBucket,
  deleteKafkaResources,
  envNumber,
  envNumbers,
  runConfig,
  SHORT,
  uniqueName,
  waitFor,
} from './lib/services.ts';
import { median } from './lib/stats.ts';

const TICKS = envNumber('BENCH_TICKS', 1_000_000, 200_000);
const RUNS = envNumber('BENCH_CONSUME_RUNS', 3, 1);
const SYMBOL_COUNTS = envNumbers('BENCH_CONSUME_SYMBOLS', [100, 5_000]);
const PARTITIONS = 4;
/** Event time per tick: 1M ticks span ~17 minutes, so every symbol closes ~16 1m and 3 5m bars. */
const EVENT_RATE = 1_000;
/** Generous bound on one read: 5,000 ticks/s (a loaded machine, the capture's hashing) still finishes. */
const READ_TIMEOUT_MS = Math.max(120_000, TICKS / 5);
const CORES = os.availableParallelism();

interface Measured extends Timing {
  cpu: CpuSample;
}

const engineConfig = (topic: string, group: string, bucket: string) =>
  runConfig(
    { prices: topic, bucket, group },
    { sinks: { enabled: ['influx'], writeTicks: true }, windows: { bars: { intervals: ['1m', '5m'] } } },
  );

/**
 * Runs the engine from start until `expected` ticks are acknowledged (CPU sampled at that moment),
 * then stops it; `bars` counts every bar acknowledged until it stopped.
 */
async function timeEngine(
  config: Config,
  meter: CpuMeter,
  expected: number,
  sink?: Sink,
): Promise<Measured & { bars: number }> {
  let ticks = 0;
  let bars = 0;
  let end: { at: number; cpu: CpuSample } | undefined;
  const start = meter.sample();
  const engine = startConsume(
    config,
    (batch: readonly WindowOutput[]) => {
      for (const output of batch) {
        if (output.kind === 'tick') ticks++;
        else if (output.kind === 'bar') bars++;
      }
      if (ticks >= expected && end === undefined) end = { at: performance.now(), cpu: meter.sample() };
    },
    sink ?? 'configured',
  );
  try {
    await waitFor('the sink to acknowledge every tick', () => (engine.check(), end), READ_TIMEOUT_MS);
  } finally {
    // Every tick is written by now; a stop that cannot flush the rest in time (a loaded machine)
    // is reported, and the counts below still compare what InfluxDB holds with what was acknowledged.
    await engine.stop().catch((error: unknown) => process.stderr.write(`  engine stop: ${(error as Error).message}\n`));
  }
  if (bars === 0) throw new Error('no bar closed: the synthetic ticks should span several minutes');
  return { ticks, ms: end!.at - engine.firstBatchAt()!, cpu: cpuSince(start, end!.cpu), bars };
}

/** The engine with a sink that stores nothing but keeps the request bodies and fingerprints every output. */
async function capture(
  topic: string,
  group: string,
): Promise<{ bodies: string[]; wholeBodies: string[]; fingerprint: Fingerprint }> {
  const config = engineConfig(topic, group, 'unused');
  const encoder = createLineEncoder(config.influx.measurements);
  const fingerprint = fingerprintBuilder();
  const bodies: string[] = [];
  /** The same batches with every tick's previous close, as bodies were before: InfluxDB alone on both, side by side. */
  const wholeBodies: string[] = [];
  const closes = previousCloseReader();
  const sink: Sink = {
    name: 'influx',
    accepts: (output) => output.kind !== 'tick' || config.sinks.writeTicks,
    async write(batch) {
      for (const output of batch) fingerprint.output(output);
      const body = encoder.body(batch);
      if (!body) return;
      bodies.push(body);
      const whole = batch.map((output) => encoder.line(output));
      wholeBodies.push(whole.filter((line) => line !== undefined).join('\n'));
      for (const line of body.split('\n')) fingerprint.line(line);
      closes.read(batch, whole, body);
    },
    close: async () => {},
  };
  await timeEngine(config, { sample: () => ({ consume: 0, kafka: 0, influx: 0 }) }, TICKS, sink);
  if (closes.lost() > 0)
    throw new Error(`${closes.lost()} ticks' previous close is not the latest one the lines stored for their symbol`);
  return { bodies, wholeBodies, fingerprint: fingerprint.result() };
}

/** The captured bodies into a fresh bucket through the sink's write path, WRITES_IN_FLIGHT at a time. */
async function influxAlone(bodies: readonly string[], meter: CpuMeter): Promise<Measured> {
  const bucket = uniqueName('influx-alone');
  const bucketId = await createBucket(bucket);
  const writer = createInfluxWriter(engineConfig('unused', 'unused', bucket));
  try {
    let next = 0;
    const start = meter.sample();
    const started = performance.now();
    const worker = async () => {
      // Retried like the sink queue retries the engine's writes: a loaded InfluxDB times out now and then.
      while (next < bodies.length) {
        const body = bodies[next++]!;
        await retry(() => writer.write(body), { deadlineMs: READ_TIMEOUT_MS });
      }
    };
    await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, worker));
    const ms = performance.now() - started;
    const cpu = cpuSince(start, meter.sample());
    const stored = await countPoints(
      bucket,
      engineConfig('unused', 'unused', bucket).influx.measurements.ticks,
      'price',
    );
    if (stored !== TICKS) throw new Error(`InfluxDB alone: the bucket holds ${stored} ticks, expected ${TICKS}`);
    return { ticks: TICKS, ms, cpu };
  } finally {
    await writer.close();
    await deleteBucket(bucketId);
  }
}

/** The bare reader, its CPU and the broker's sampled when it read the last tick. */
async function bare(topic: string, group: string, meter: CpuMeter): Promise<Measured> {
  let end: CpuSample | undefined;
  const start = meter.sample();
  const timing = await bareRead(topic, group, TICKS, READ_TIMEOUT_MS, () => (end = meter.sample()));
  return { ...timing, cpu: cpuSince(start, end!) };
}

/** The engine into a fresh bucket until InfluxDB acknowledged every tick, then a Flux count of what it holds. */
async function engineRun(topic: string, group: string, meter: CpuMeter): Promise<Measured> {
  const bucket = uniqueName('consume');
  const bucketId = await createBucket(bucket);
  try {
    const config = engineConfig(topic, group, bucket);
    const { bars, ...timing } = await timeEngine(config, meter, TICKS);
    const storedTicks = await countPoints(bucket, config.influx.measurements.ticks, 'price');
    const storedBars = await countPoints(bucket, config.influx.measurements.bars, 'close');
    if (storedTicks !== TICKS) throw new Error(`InfluxDB holds ${storedTicks} ticks, expected ${TICKS}`);
    if (storedBars !== bars) throw new Error(`InfluxDB holds ${storedBars} bars, the sink acknowledged ${bars}`);
    return timing;
  } finally {
    await deleteBucket(bucketId);
  }
}

interface RunFigures {
  bare: Measured;
  alone: Measured;
  /** InfluxDB alone on the whole tick lines (previous_close on every tick), for the layout's saving. */
  aloneWhole: Measured;
  engine: Measured;
  /** ticks/s the machine could do: min(every core busy with only the unavoidable, bare reader, InfluxDB alone). */
  bound: number;
}

function bound(bareRun: Measured, alone: Measured): number {
  const cpuPerTick = (bareRun.cpu.consume + bareRun.cpu.kafka + alone.cpu.influx) / TICKS;
  return Math.min(CORES / cpuPerTick, perSecond(bareRun), perSecond(alone));
}

const perMillion = (seconds: number) => (seconds * 1_000_000) / TICKS;
const k = (rate: number) => `${Math.round(rate / 1_000)}k`;

function figures(
  symbols: number,
  runs: RunFigures[],
  own: OwnWork,
  fingerprint: Fingerprint,
  recorded: ReturnType<typeof checkFingerprint>['recorded'],
): Figure[] {
  const bench = `consume ${symbols.toLocaleString('en-US')}`;
  const med = (pick: (run: RunFigures) => number) => median(runs.map(pick));
  const ratio = med((run) => perSecond(run.engine) / run.bound);
  const cpuRatio = med((run) => run.engine.cpu.consume / run.bare.cpu.consume);
  const ownWork = own.decode + own.windows + own.lines;
  /** The reader's CPU, its JSON.parse swapped for consume's own work: nothing else counted. */
  const floorRatio = med((run) => {
    const reader = perMillion(run.bare.cpu.consume);
    return (reader - own.parse + ownWork) / reader;
  });
  const of = `median of ${runs.length}`;
  const what = `${TICKS.toLocaleString('en-US')} ticks: ${fingerprint.bar.count.toLocaleString('en-US')} bars, ${fingerprint.indicator.count.toLocaleString('en-US')} indicator points, ${fingerprint.alert.count} alerts`;
  return [
    {
      bench,
      metric: 'engine → InfluxDB',
      value: med((run) => perSecond(run.engine)),
      unit: 'ticks/s',
      note: `${of}: ${runs.map((run) => k(perSecond(run.engine))).join(', ')}`,
    },
    {
      bench,
      metric: 'bound',
      value: med((run) => run.bound),
      unit: 'ticks/s',
      note: `min(${CORES} cores / (bare + broker + InfluxDB-alone CPU per tick), bare, InfluxDB alone)`,
    },
    {
      bench,
      metric: 'engine / bound',
      value: ratio,
      unit: '×',
      target: '≥ 0.85',
      met: ratio >= 0.85,
      note: 'median of per-run ratios',
    },
    {
      bench,
      metric: 'consume CPU / bare reader CPU',
      value: cpuRatio,
      unit: '×',
      target: '≤ 1.3',
      met: cpuRatio <= 1.3,
      note: 'per tick, median of per-run ratios',
    },
    {
      bench,
      metric: 'consume CPU / bare reader CPU, floor',
      value: floorRatio,
      unit: '×',
      note: "the bare reader's CPU with its JSON.parse swapped for consume's own work alone (next row): the lowest ratio that work allows",
    },
    {
      bench,
      metric: "consume's own work alone",
      value: ownWork,
      unit: 'CPU-s/1M ticks',
      note: `in this process, no Kafka, InfluxDB or checkpoints (bench/lib/own-work.ts): decode ${own.decode.toFixed(2)} (the reader's JSON.parse ${own.parse.toFixed(2)}), windows ${own.windows.toFixed(2)}, InfluxDB bodies ${own.lines.toFixed(2)}`,
    },
    {
      bench,
      metric: 'consume CPU',
      value: med((run) => perMillion(run.engine.cpu.consume)),
      unit: 'CPU-s/1M ticks',
      note: 'engine → InfluxDB run, this process',
    },
    {
      bench,
      metric: 'InfluxDB CPU',
      value: med((run) => perMillion(run.engine.cpu.influx)),
      unit: 'CPU-s/1M ticks',
      note: 'engine → InfluxDB run',
    },
    {
      bench,
      metric: 'Kafka CPU',
      value: med((run) => perMillion(run.engine.cpu.kafka)),
      unit: 'CPU-s/1M ticks',
      note: 'engine → InfluxDB run (fetches, state records, commits)',
    },
    {
      bench,
      metric: 'bare reader',
      value: med((run) => perSecond(run.bare)),
      unit: 'ticks/s',
      note: `${med((run) => perMillion(run.bare.cpu.consume)).toFixed(1)} CPU-s + broker ${med((run) => perMillion(run.bare.cpu.kafka)).toFixed(1)} CPU-s per 1M`,
    },
    {
      bench,
      metric: 'InfluxDB alone, same points',
      value: med((run) => perSecond(run.alone)),
      unit: 'ticks/s',
      note: `${med((run) => perMillion(run.alone.cpu.influx)).toFixed(1)} InfluxDB CPU-s per 1M, ${WRITES_IN_FLIGHT} writes in flight`,
    },
    {
      bench,
      metric: 'InfluxDB alone, previous_close on every tick',
      value: med((run) => perMillion(run.aloneWhole.cpu.influx)),
      unit: 'CPU-s/1M ticks',
      note: `the same batches as whole lines, as written before; the sent lines take ${(med((run) => run.alone.cpu.influx / run.aloneWhole.cpu.influx) * 100).toFixed(0)}% of that (median of per-run ratios)`,
    },
    {
      bench,
      metric: 'same outputs as recorded',
      value: fingerprint.lines.count,
      unit: 'lines',
      met: true,
      note: `${what} — ${recorded === 'all' ? 'fingerprint recorded now' : recorded ? `the rest as in bench/expected.json, ${recorded} re-recorded` : 'fingerprint as in bench/expected.json'}`,
    },
  ];
}

async function workload(symbols: number, meter: CpuMeter): Promise<Figure[]> {
  const topic = uniqueName('consume');
  const groups: string[] = [];
  const group = (what: string) => {
    const name = uniqueName(what);
    groups.push(name);
    return name;
  };
  try {
    await createTopic(topic, PARTITIONS);
    const loadStarted = performance.now();
    await preload(
      runConfig({ prices: topic, bucket: 'unused' }),
      syntheticTicks(benchSymbols(symbols), EVENT_RATE),
      TICKS,
    );
    process.stderr.write(
      `  ${symbols} symbols: pre-loaded ${TICKS} ticks in ${((performance.now() - loadStarted) / 1000).toFixed(1)}s\n`,
    );
    const { bodies, wholeBodies, fingerprint } = await capture(topic, group('capture'));
    const { differences, recorded } = checkFingerprint(`${symbols}x${TICKS}`, fingerprint);
    if (differences.length > 0) throw new Error(`the outputs changed: ${differences.join('; ')}`);
    const runs: RunFigures[] = [];
    for (let run = 0; run < RUNS; run++) {
      const bareRun = await bare(topic, group('bare'), meter);
      // Alternating which goes first: InfluxDB's background work from one bucket spills into the next.
      const wholeFirst = run % 2 === 1 ? await influxAlone(wholeBodies, meter) : undefined;
      const alone = await influxAlone(bodies, meter);
      const aloneWhole = wholeFirst ?? (await influxAlone(wholeBodies, meter));
      const engine = await engineRun(topic, group('engine'), meter);
      runs.push({ bare: bareRun, alone, aloneWhole, engine, bound: bound(bareRun, alone) });
      const cpu = (m: Measured) => `${m.cpu.consume.toFixed(1)}/${m.cpu.kafka.toFixed(1)}/${m.cpu.influx.toFixed(1)}`;
      process.stderr.write(
        `  run ${run + 1}: bare ${k(perSecond(bareRun))}/s, InfluxDB alone ${k(perSecond(alone))}/s (whole lines ${k(perSecond(aloneWhole))}/s, ${aloneWhole.cpu.influx.toFixed(1)} CPU-s), engine ${k(perSecond(engine))}/s, bound ${k(runs[run]!.bound)}/s; CPU-s self/kafka/influx: bare ${cpu(bareRun)}, alone ${cpu(alone)}, engine ${cpu(engine)}\n`,
      );
    }
    // After the runs, so the heap this leaves behind does not weigh on their CPU figures.
    const own = measureOwnWork(
      engineConfig(topic, 'unused', 'unused'),
      syntheticTicks(benchSymbols(symbols), EVENT_RATE).next(TICKS),
    );
    if (own.bars !== fingerprint.bar.count)
      throw new Error(
        `own work alone closed ${own.bars} bars, the engine ${fingerprint.bar.count}: not the same ticks`,
      );
    process.stderr.write(
      `  own work alone (${own.bars} bars), CPU-s per 1M: decode ${own.decode.toFixed(2)} (JSON.parse ${own.parse.toFixed(2)}), windows ${own.windows.toFixed(2)}, InfluxDB bodies ${own.lines.toFixed(2)}\n`,
    );
    return figures(symbols, runs, own, fingerprint, recorded);
  } finally {
    await deleteKafkaResources([topic], groups);
  }
}

export const consume: Bench = {
  name: 'consume',
  description: `${TICKS.toLocaleString('en-US')} ticks of ${SYMBOL_COUNTS.join(' and ')} symbols on ${PARTITIONS} partitions${SHORT ? ' (short)' : ''}: engine (1m+5m bars, indicators, alerts, InfluxDB ticks+bars) against the bound from the bare reader, the broker and InfluxDB alone, ${RUNS} runs`,
  async run() {
    const meter = cpuMeter();
    const all: Figure[] = [];
    for (const symbols of SYMBOL_COUNTS) all.push(...(await workload(symbols, meter)));
    return all;
  },
};

if (import.meta.main) await runBenches([consume]);
