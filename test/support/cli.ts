/** Runs the built `stockstream` binary as a child process, the way users do. */
import { fileURLToPath } from 'node:url';
import { startProcess, type ProcessOptions, type RunningProcess } from './process.ts';

export const BIN = fileURLToPath(new URL('../../bin/stockstream.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions extends ProcessOptions {
  /** Flags for node itself, before the script (the benchmarks try V8 heap flags). */
  nodeOptions?: string[];
}

/** Environment without the developer's own STOCKSTREAM_* and service variables, so tests are hermetic. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(STOCKSTREAM_|INFLUX_|KAFKA_|DATABASE_URL|POSTGRES_URL|GRAFANA_|NO_COLOR|FORCE_COLOR)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Starts `stockstream <args>` and returns it running (hermetic environment unless `env` is given). */
export function startCli(args: string[], options: CliOptions = {}): RunningProcess {
  const { nodeOptions = [], ...rest } = options;
  return startProcess(process.execPath, [...nodeOptions, BIN, ...args], { ...rest, env: options.env ?? cleanEnv() });
}

/** Runs `stockstream <args>` to its end (SIGKILL after `timeoutMs`); stdin is `input`, or empty. */
export async function runCli(args: string[], options: CliOptions & { timeoutMs?: number } = {}): Promise<CliResult> {
  const run = startCli(args, { ...options, input: options.input ?? '' });
  const timer = setTimeout(() => run.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const { code } = await run.exited.finally(() => clearTimeout(timer));
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
