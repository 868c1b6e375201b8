/**
 * Memory: peak RSS (VmHWM from /proc/<pid>/status) of the built `stockstream consume` as a child
 * process, with 5,000 symbols and every window on (1m, 5m, 15m and 1h bars with interim updates,
 * indicators, alerts, InfluxDB writing ticks and bars), from start until it consumed a pre-loaded
 * topic and stopped on SIGTERM. Progress is read from its own `--metrics-port`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UserConfig } from '../src/config/schema.ts';
import { runBenches, type Bench, type Figure } from './lib/report.ts';
import { preload, syntheticTicks } from './lib/pipeline.ts';
import { benchSymbols, BROKERS, createBucket, createTopic, deleteBucket, deleteKafkaResources, envNumber, INFLUX, runConfig, uniqueName, waitFor } from './lib/services.ts';

const BIN = fileURLToPath(new URL('../bin/stockstream.js', import.meta.url));
const SYMBOLS = envNumber('BENCH_MEMORY_SYMBOLS', 5_000);
const TICKS = envNumber('BENCH_MEMORY_TICKS', 500_000);
const PARTITIONS = 4;
/** Event time per tick: every symbol ticks each 50 s, so 100 ticks each span ~83 1m bars and fill the indicators. */
const EVENT_RATE = 100;
const CONSUME_TIMEOUT_MS = Math.max(120_000, TICKS / 2);
const EXIT_TIMEOUT_MS = 60_000;
const MB = 1024 * 1024;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** VmHWM (peak resident set) of a live process in bytes, or undefined once it is gone. */
function peakRss(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function metric(port: number, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const line = text.split('\n').find((row) => row.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  } catch {
    return undefined; // not listening yet
  }
}

export const memory: Bench = {
  name: 'memory',
  description: `peak RSS of \`stockstream consume\` over ${TICKS.toLocaleString('en-US')} ticks of ${SYMBOLS.toLocaleString('en-US')} symbols, 1m/5m/15m/1h bars + interim, indicators, alerts, InfluxDB`,
  async run() {
    const topic = uniqueName('memory');
    const bucket = uniqueName('memory');
    const group = uniqueName('memory');
    const bucketId = await createBucket(bucket);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stockstream-bench-'));
    try {
      await createTopic(topic, PARTITIONS);
      await preload(runConfig({ prices: topic, bucket }), syntheticTicks(benchSymbols(SYMBOLS), EVENT_RATE), TICKS);
      const file = path.join(dir, 'stockstream.config.json');
      const config: UserConfig = {
        kafka: { brokers: BROKERS, groupId: group, topics: { prices: topic, state: `${group}-state` } },
        influx: { ...INFLUX, bucket },
        sinks: { enabled: ['influx'], writeTicks: true },
        windows: { bars: { intervals: ['1m', '5m', '15m', '1h'], interim: '5s' }, indicators: { enabled: true } },
      };
      writeFileSync(file, JSON.stringify(config));
      const port = await freePort();
      const child = spawn(process.execPath, [BIN, 'consume', '--config', file, '--metrics-port', String(port), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2_000)));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let peak = 0;
      const sample = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!) ?? 0)), 100);
      try {
        let alive = true;
        void exited.then(() => (alive = false));
        await waitFor(
          'consume to apply every tick',
          async () => {
            if (!alive) throw new Error(`consume exited early: ${stderr.trim().split('\n').at(-1) ?? ''}`);
            const ticks = await metric(port, 'stockstream_ticks_consumed_total');
            return ticks !== undefined && ticks >= TICKS ? ticks : undefined;
          },
          CONSUME_TIMEOUT_MS,
          250,
        );
        // Until its exit the process flushes the sinks: that is part of the peak too.
        child.kill('SIGTERM');
        const code = await waitFor('consume to exit after SIGTERM', async () => {
          peak = Math.max(peak, peakRss(child.pid!) ?? 0);
          return alive ? undefined : await exited;
        }, EXIT_TIMEOUT_MS, 20);
        if (code !== 0) throw new Error(`consume exited ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
      } finally {
        clearInterval(sample);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      const peakMb = peak / MB;
      return [
        { bench: 'memory', metric: `consume peak RSS, ${SYMBOLS.toLocaleString('en-US')} symbols`, value: peakMb, unit: 'MB', target: '≤ 200', met: peakMb <= 200, note: `VmHWM over ${TICKS.toLocaleString('en-US')} ticks + stop` },
      ] satisfies Figure[];
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await deleteKafkaResources([topic], [group]);
      await deleteBucket(bucketId);
    }
  },
};

if (import.meta.main) await runBenches([memory]);
