/**
 * `stockstream consume` as a child process of the built CLI, the way users run it: with a config
 * file, a Prometheus port to watch its progress, and signals to stop (SIGTERM) or kill (SIGKILL) it.
 */
import { startCli } from '../../support/cli.ts';
import { scrapeMetrics, sumByName } from '../../support/metrics.ts';
import { freePort, type RunningProcess } from '../../support/process.ts';
import { waitFor } from '../../support/wait.ts';

export interface ConsumerProcess extends RunningProcess {
  readonly metricsPort: number;
  /** Sums of every sample of each metric name (empty while it does not answer). */
  metrics(): Promise<Map<string, number>>;
  /** Every sample by its full name, labels included. */
  samples(): Promise<Map<string, number>>;
}

/** `nodeOptions` go to node itself, before the script (the benchmarks try V8 heap flags). */
export async function startConsumer(
  configPath: string,
  args: string[] = [],
  nodeOptions: string[] = [],
): Promise<ConsumerProcess> {
  const metricsPort = await freePort();
  const run = startCli(['--config', configPath, 'consume', '--metrics-port', String(metricsPort), ...args], {
    nodeOptions,
  });
  return {
    ...run,
    metricsPort,
    samples: () => scrapeMetrics(metricsPort),
    metrics: async () => sumByName(await scrapeMetrics(metricsPort)),
  };
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
