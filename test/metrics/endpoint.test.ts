/**
 * The metrics endpoint of `produce` and `consume` follows the Prometheus conventions users' stock
 * dashboards and probes rely on: standard process/Node metric names, a build_info gauge, /healthz
 * and /readyz, a `topic` label on the lag, and a loopback-only listener unless told otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsumer, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { createSuite, type ConsumeSuite } from '../consume/support/suite.ts';
import { runCli, startCli } from '../support/cli.ts';
import { parseSamples, sampleValue } from '../support/metrics.ts';
import { freePort } from '../support/process.ts';
import { testKafka, uniqueName } from '../support/services.ts';
import { waitFor } from '../support/wait.ts';

const get = async (url: string) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return { status: response.status, body: await response.text() };
};
/** null when nothing accepts a connection there. */
const tryGet = (url: string) => get(url).catch(() => null);

/** The value of one sample, matched by name and a label substring. */
const sample = (text: string, name: string, labels = '') => sampleValue(parseSamples(text), name, labels);

describe('produce --metrics-port', () => {
  it(
    'counts published ticks and Kafka sends, answers /healthz and /readyz, and listens on loopback only',
    { timeout: 90_000 },
    async () => {
      const port = await freePort();
      const topic = uniqueName('metrics_produce');
      // A rate low enough that the run is still going while the test scrapes it.
      const run = startCli([
        'produce',
        '--source',
        'synthetic',
        '--symbols',
        'AAPL,MSFT',
        '--rate',
        '200',
        '--topic',
        topic,
        '--brokers',
        testKafka().join(','),
        '--metrics-port',
        String(port),
      ]);
      try {
        const base = `http://127.0.0.1:${port}`;
        const text = await waitFor(
          async () => {
            const body = (await tryGet(`${base}/metrics`))?.body;
            return body !== undefined &&
              (sample(body, 'stockstream_ticks_published_total', 'source="synthetic"') ?? 0) >= 200
              ? body
              : undefined;
          },
          '200 published ticks in the metrics',
          60_000,
          () => run.stderr(),
        );
        expect(sample(text, 'stockstream_kafka_send_seconds_count')).toBeGreaterThan(0);
        expect(sample(text, 'stockstream_kafka_send_retries_total')).toBe(0);
        expect(text).toMatch(
          /^stockstream_build_info\{version="\d+\.\d+\.\d+[^"]*",node="\d+\.\d+\.\d+",command="produce"\} 1$/m,
        );
        expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
        expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
        expect(text).not.toMatch(/^stockstream_process_|^stockstream_nodejs_/m);
        expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: 'ok\n' });
        expect(await get(`${base}/readyz`)).toEqual({ status: 200, body: 'ready\n' });
        expect(run.stderr()).toContain(`metrics on http://127.0.0.1:${port}/metrics`);
        // Bound to 127.0.0.1 alone: another loopback address of the same host is refused.
        expect(await tryGet(`http://127.0.0.2:${port}/healthz`)).toBeNull();
      } finally {
        run.kill('SIGINT');
      }
      expect((await run.exited).code, run.stderr()).toBe(0);
    },
  );

  it('binds the address --metrics-host names, and wants a port with it', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const run = startCli([
      'produce',
      '--source',
      'synthetic',
      '--rate',
      '10',
      '--topic',
      uniqueName('metrics_host'),
      '--brokers',
      testKafka().join(','),
      '--metrics-port',
      String(port),
      '--metrics-host',
      '127.0.0.2',
    ]);
    try {
      // Ready (connected to Kafka), so the SIGINT below stops a running producer (exit 0), not a connecting one (130).
      await waitFor(
        async () => ((await tryGet(`http://127.0.0.2:${port}/readyz`))?.status === 200 ? true : undefined),
        'readyz on 127.0.0.2',
        30_000,
      );
      expect(await tryGet(`http://127.0.0.1:${port}/healthz`)).toBeNull();
    } finally {
      run.kill('SIGINT');
    }
    expect((await run.exited).code).toBe(0);

    const usage = await runCli(['produce', '--metrics-host', '0.0.0.0']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--metrics-host needs --metrics-port/);
  });
});

describe('consume --metrics-port', () => {
  let suite: ConsumeSuite;
  let consumer: ConsumerProcess | undefined;
  beforeAll(async () => {
    suite = await createSuite('metrics_consume', { partitions: 2 });
  });
  afterAll(async () => {
    await consumer?.stop('SIGKILL');
  });

  it('is ready once it joined the group, and labels the lag with its topic', { timeout: 90_000 }, async () => {
    consumer = await startConsumer(suite.configPath, ['--sinks', 'file']);
    const base = `http://127.0.0.1:${consumer.metricsPort}`;
    await waitFor(
      async () => ((await tryGet(`${base}/healthz`))?.status === 200 ? true : undefined),
      'healthz',
      30_000,
      () => consumer!.stderr(),
    );
    await waitFor(
      async () => ((await tryGet(`${base}/readyz`))?.status === 200 ? true : undefined),
      'readyz 200',
      60_000,
      () => consumer!.stderr(),
    );

    const produced = await runCli(
      ['--config', suite.configPath, 'produce', '--source', 'synthetic', '--rate', '1000', '--limit', '50'],
      { timeoutMs: 60_000 },
    );
    expect(produced.code, produced.stderr).toBe(0);
    await waitForMetric(consumer, 'stockstream_ticks_consumed_total', 50);
    const text = (await get(`${base}/metrics`)).body;
    const topic = suite.config.kafka.topics.prices;
    expect(text).toMatch(new RegExp(`^stockstream_consumer_lag\\{topic="${topic}",partition="\\d"\\} \\d+$`, 'm'));
    expect(text).toMatch(/^stockstream_build_info\{[^}]*command="consume"\} 1$/m);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
