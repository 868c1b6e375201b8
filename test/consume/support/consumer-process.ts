/**
 * `stockstream consume` as a child process of the built CLI, the way users run it: with a config
 * file, a Prometheus port to watch its progress, and signals to stop (SIGTERM) or kill (SIGKILL) it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN, cleanEnv } from '../../support/cli.ts';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ConsumerProcess {
  readonly child: ChildProcess;
  readonly metricsPort: number;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** Sums of every sample of each metric name. */
  metrics(): Promise<Map<string, number>>;
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function parseMetrics(text: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    sums.set(match[1]!, (sums.get(match[1]!) ?? 0) + Number(match[2]));
  }
  return sums;
}

/** `nodeOptions` go to node itself, before the script (the benchmarks try V8 heap flags). */
export async function startConsumer(
  configPath: string,
  args: string[] = [],
  nodeOptions: string[] = [],
): Promise<ConsumerProcess> {
  const metricsPort = await freePort();
  const child = spawn(
    process.execPath,
    [...nodeOptions, BIN, '--config', configPath, 'consume', '--metrics-port', String(metricsPort), ...args],
    {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    metricsPort,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async metrics() {
      try {
        const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(2_000) });
        return parseMetrics(await response.text());
      } catch {
        return new Map(); // not listening yet, or gone
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Polls `check` every 100ms until it returns a value other than undefined; fails after the deadline
 * with `what` and, when given, what `explain` says about the state at that moment.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 45_000,
  explain?: () => Promise<string> | string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${explain ? `\n${await explain()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The consumer's log and main counters, for failure messages. */
export async function describeConsumer(consumer: ConsumerProcess): Promise<string> {
  const metrics = await consumer.metrics();
  const counters = [...metrics].filter(([name]) =>
    /ticks_consumed|late|invalid|dlq|windows_closed|lag|buffered|paused|retries|checkpoints/.test(name),
  );
  return `metrics: ${JSON.stringify(Object.fromEntries(counters))}\nstderr:\n${consumer.stderr().slice(-4_000)}`;
}

/** Waits until the consumer's metric reaches `at least`; fails early if the process died. */
export async function waitForMetric(
  consumer: ConsumerProcess,
  name: string,
  atLeast: number,
  timeoutMs = 60_000,
): Promise<number> {
  return waitFor(
    async () => {
      if (consumer.child.exitCode !== null)
        throw new Error(`consumer exited (${consumer.child.exitCode}) while waiting for ${name}: ${consumer.stderr()}`);
      const value = (await consumer.metrics()).get(name) ?? 0;
      return value >= atLeast ? value : undefined;
    },
    `${name} >= ${atLeast}`,
    timeoutMs,
    () => describeConsumer(consumer),
  );
}
