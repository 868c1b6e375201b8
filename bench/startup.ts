/** CLI start-up: wall time of `stockstream --help`, the cost every command pays before its work. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, percentile } from './lib/stats.ts';
import { runBenches, type Bench } from './lib/report.ts';

const BIN = fileURLToPath(new URL('../bin/stockstream.js', import.meta.url));
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 21);

export const startup: Bench = {
  name: 'startup',
  description: `\`stockstream --help\` wall time, ${RUNS} runs`,
  async run() {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [BIN, '--help'], { stdio: 'ignore' });
      if (result.status !== 0) throw new Error(`stockstream --help exited ${result.status}`);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const p50 = median(times);
    return [
      { bench: 'startup', metric: '--help p50', value: p50, unit: 'ms', target: '≤ 150', met: p50 <= 150 },
      { bench: 'startup', metric: '--help p90', value: percentile(times, 90), unit: 'ms' },
    ];
  },
};

if (import.meta.main) await runBenches([startup]);
