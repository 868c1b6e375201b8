/**
 * Memory: peak RSS (VmHWM from /proc/<pid>/status) of the built `stockstream consume` as a child
 * process, with 5,000 symbols and every window on (1m, 5m, 15m and 1h bars with interim updates,
 * indicators, alerts, InfluxDB writing ticks and bars), from start until it stopped on SIGTERM.
 * Two runs: live (ticks published at 5,000 a second while it consumes) and catching up on a
 * pre-loaded topic at full speed. Progress is read from its own `--metrics-port`. For scale, the
 * peak of a bare kafkajs consumer that only reads and parses the pre-loaded topic (bench/lib/bare.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { UserConfig } from '../src/config/schema.ts';
import { startConsumer, waitForMetric } from '../test/consume/support/consumer-process.ts';
import { cpuSecondsOf } from './lib/cpu.ts';
import { runBenches, type Bench, type Figure } from './lib/report.ts';
import { preload, publishAtRate, syntheticTicks } from './lib/pipeline.ts';
import {
  benchSymbols,
  BROKERS,
  createBucket,
  createTopic,
  deleteBucket,
  deleteKafkaResources,
  envNumber,
  INFLUX,
  runConfig,
  uniqueName,
  waitFor,
} from './lib/services.ts';

const BARE = fileURLToPath(new URL('./lib/bare.ts', import.meta.url));
const SYMBOLS = envNumber('BENCH_MEMORY_SYMBOLS', 5_000);
const TICKS = envNumber('BENCH_MEMORY_TICKS', 500_000, 200_000);
const LIVE_RATE = envNumber('BENCH_MEMORY_LIVE_RATE', 5_000);
const LIVE_SECONDS = envNumber('BENCH_MEMORY_LIVE_SECONDS', 40, 10);
/**
 * V8 flags that trade speed for memory (README, Performance): a 2 MB young generation and a
 * 128 MB old one. By default V8 lets the heap grow to ~4× what is live before collecting it.
 */
const LEAN_NODE_OPTIONS = ['--max-semi-space-size=2', '--max-old-space-size=128'];
/**
 * Young-generation sizing alone (issue 18): catching up, V8 grows new space to 128 MB (2 × 64 MB
 * semi-spaces, seen with process.memoryUsage sampling); capped at 8 MB semi-spaces, RSS against CPU.
 */
const SEMI_SPACE_NODE_OPTIONS = ['--max-semi-space-size=8'];
const PARTITIONS = 4;
/** Event time per tick: every symbol ticks each 50 s, so 100 ticks each span ~83 1m bars and fill the indicators. */
const EVENT_RATE = 100;
const CONSUME_TIMEOUT_MS = Math.max(120_000, TICKS / 2);
const EXIT_TIMEOUT_MS = 60_000;
const MB = 1024 * 1024;
const TICKS_METRIC = 'stockstream_ticks_consumed_total';

/** VmHWM (peak resident set) of a live process in bytes, or undefined once it is gone. */
function peakRss(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The highest VmHWM of a child so far, read every 20 ms until it exits. */
function trackPeakRss(child: ChildProcess): () => number {
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${child.spawnargs.join(' ')}`);
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, peakRss(pid) ?? 0)), 20);
  child.once('exit', () => clearInterval(sample));
  return () => peak;
}

/** Peak RSS of a bare kafkajs consumer reading and parsing the same topic (bench/lib/bare.ts). */
async function bareReaderPeak(topic: string, groups: string[]): Promise<number> {
  const child = spawn(process.execPath, [BARE, topic, String(TICKS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const peak = trackPeakRss(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  groups.push(stdout.trim());
  if (code !== 0) throw new Error(`bare reader exited ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
  return peak();
}

/**
 * Runs `stockstream consume` with every window on until it applied `ticks` ticks (`feed` supplies
 * them once it started), then stops it with SIGTERM; its peak RSS in bytes, and its CPU seconds
 * and wall milliseconds from start until it had applied them.
 */
export async function consumePeak(
  names: { topic: string; bucket: string; group: string },
  dir: string,
  ticks: number,
  feed: () => Promise<unknown>,
  nodeOptions: string[] = [],
): Promise<{ peak: number; cpu: number; ms: number }> {
  const file = path.join(dir, `${names.group}.config.json`);
  const config: UserConfig = {
    kafka: { brokers: BROKERS, groupId: names.group, topics: { prices: names.topic, state: `${names.group}-state` } },
    influx: { ...INFLUX, bucket: names.bucket },
    sinks: { enabled: ['influx'], writeTicks: true },
    windows: { bars: { intervals: ['1m', '5m', '15m', '1h'], interim: '5s' }, indicators: { enabled: true } },
  };
  writeFileSync(file, JSON.stringify(config));
  const started = performance.now();
  const consume = await startConsumer(file, ['--quiet'], nodeOptions);
  const peak = trackPeakRss(consume.child);
  let cpu: number;
  let ms: number;
  try {
    await waitFor(
      'consume to serve metrics',
      async () => {
        if (consume.child.exitCode !== null)
          throw new Error(`consume exited early: ${consume.stderr().trim().split('\n').at(-1) ?? ''}`);
        return (await consume.metrics()).has(TICKS_METRIC) ? true : undefined;
      },
      60_000,
      100,
    );
    await feed();
    await waitForMetric(consume, TICKS_METRIC, ticks, CONSUME_TIMEOUT_MS);
    cpu = cpuSecondsOf(consume.child.pid!);
    ms = performance.now() - started;
    // A stop gives the sinks a few seconds (then exits 1, nothing committed): let them drain first.
    await waitFor(
      'the sinks to write what they buffered',
      async () => ((await consume.metrics()).get('stockstream_sink_buffered') === 0 ? true : undefined),
      CONSUME_TIMEOUT_MS,
      100,
    );
    // Until its exit the process flushes the sinks: that is part of the peak too.
    consume.child.kill('SIGTERM');
    const exit = await Promise.race([consume.exited, sleep(EXIT_TIMEOUT_MS, undefined)]);
    if (exit === undefined) throw new Error(`consume did not exit within ${EXIT_TIMEOUT_MS / 1000}s of SIGTERM`);
    if (exit.code !== 0)
      throw new Error(
        `consume exited ${exit.code ?? exit.signal}: ${consume.stderr().trim().split('\n').at(-1) ?? ''}`,
      );
  } finally {
    await consume.stop('SIGKILL');
  }
  return { peak: peak(), cpu, ms };
}

export const memory: Bench = {
  name: 'memory',
  description: `peak RSS of \`stockstream consume\` with ${SYMBOLS.toLocaleString('en-US')} symbols, 1m/5m/15m/1h bars + interim, indicators, alerts, InfluxDB: live at ${LIVE_RATE.toLocaleString('en-US')} ticks/s (default and lean V8 flags), then ${TICKS.toLocaleString('en-US')} pre-loaded ticks at full speed`,
  async run() {
    const live = {
      topic: uniqueName('memory-live'),
      bucket: uniqueName('memory-live'),
      group: uniqueName('memory-live'),
    };
    const lean = {
      topic: uniqueName('memory-lean'),
      bucket: uniqueName('memory-lean'),
      group: uniqueName('memory-lean'),
    };
    const backlog = { topic: uniqueName('memory'), bucket: uniqueName('memory'), group: uniqueName('memory') };
    const semi = { topic: backlog.topic, bucket: uniqueName('memory-semi'), group: uniqueName('memory-semi') };
    const runs = [live, lean, backlog, semi];
    const groups = runs.map((run) => run.group);
    const bucketIds: string[] = [];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stockstream-bench-'));
    try {
      for (const run of runs) {
        bucketIds.push(await createBucket(run.bucket));
        if (run !== semi) await createTopic(run.topic, PARTITIONS);
      }
      const liveTicks = LIVE_RATE * LIVE_SECONDS;
      const feedLive = (run: typeof live) => () =>
        publishAtRate(
          runConfig({ prices: run.topic, bucket: run.bucket }),
          syntheticTicks(benchSymbols(SYMBOLS), LIVE_RATE),
          LIVE_RATE,
          LIVE_SECONDS,
        );
      const { peak: livePeak } = await consumePeak(live, dir, liveTicks, feedLive(live));
      const { peak: leanPeak } = await consumePeak(lean, dir, liveTicks, feedLive(lean), LEAN_NODE_OPTIONS);
      await preload(
        runConfig({ prices: backlog.topic, bucket: backlog.bucket }),
        syntheticTicks(benchSymbols(SYMBOLS), EVENT_RATE),
        TICKS,
      );
      const {
        peak: backlogPeak,
        cpu: backlogCpu,
        ms: backlogMs,
      } = await consumePeak(backlog, dir, TICKS, async () => {});
      const semiRun = await consumePeak(semi, dir, TICKS, async () => {}, SEMI_SPACE_NODE_OPTIONS);
      const bare = await bareReaderPeak(backlog.topic, groups);
      const liveMb = livePeak / MB;
      const leanMb = leanPeak / MB;
      const backlogMb = backlogPeak / MB;
      return [
        {
          bench: 'memory',
          metric: `consume peak RSS, ${SYMBOLS.toLocaleString('en-US')} symbols, live`,
          value: liveMb,
          unit: 'MB',
          target: '≤ 200',
          met: liveMb <= 200,
          note: `${LIVE_RATE.toLocaleString('en-US')} ticks/s for ${LIVE_SECONDS}s + stop`,
        },
        {
          bench: 'memory',
          metric: `consume peak RSS, ${SYMBOLS.toLocaleString('en-US')} symbols, live, lean V8 flags`,
          value: leanMb,
          unit: 'MB',
          target: '≤ 200',
          met: leanMb <= 200,
          note: `NODE_OPTIONS="${LEAN_NODE_OPTIONS.join(' ')}"`,
        },
        {
          bench: 'memory',
          metric: `consume peak RSS, ${SYMBOLS.toLocaleString('en-US')} symbols, catching up`,
          value: backlogMb,
          unit: 'MB',
          target: '≤ 256',
          met: backlogMb <= 256,
          note: `${TICKS.toLocaleString('en-US')} pre-loaded ticks at full speed + stop: ${backlogCpu.toFixed(1)} CPU-s, ${(backlogMs / 1000).toFixed(1)} s`,
        },
        {
          bench: 'memory',
          metric: `consume peak RSS, ${SYMBOLS.toLocaleString('en-US')} symbols, catching up, 8 MB semi-spaces`,
          value: semiRun.peak / MB,
          unit: 'MB',
          target: '≤ 256',
          met: semiRun.peak / MB <= 256,
          note: `NODE_OPTIONS="${SEMI_SPACE_NODE_OPTIONS.join(' ')}": ${semiRun.cpu.toFixed(1)} CPU-s, ${(semiRun.ms / 1000).toFixed(1)} s`,
        },
        {
          bench: 'memory',
          metric: 'bare kafkajs read+parse peak RSS',
          value: bare / MB,
          unit: 'MB',
          note: 'the pre-loaded topic, same fetch sizes',
        },
      ] satisfies Figure[];
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await deleteKafkaResources([...new Set(runs.map((run) => run.topic))], groups);
      for (const id of bucketIds) await deleteBucket(id);
    }
  },
};

if (import.meta.main) await runBenches([memory]);
