/**
 * The metrics endpoint of `produce` and `consume` follows the Prometheus conventions users' stock
 * dashboards and probes rely on: standard process/Node metric names, a build_info gauge, /healthz
 * and /readyz, a `topic` label on the lag, and a loopback-only listener unless told otherwise.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsumer, waitFor, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { createSuite, type ConsumeSuite } from '../consume/support/suite.ts';
import { BIN, cleanEnv } from '../support/cli.ts';
import { testKafka, uniqueName } from '../support/services.ts';

const get = async (url: string) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return { status: response.status, body: await response.text() };
};
/** null when nothing accepts a connection there. */
const tryGet = (url: string) => get(url).catch(() => null);

/** The value of one sample, matched by name and a label substring. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{') && l.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('produce --metrics-port', () => {
  it(
    'counts published ticks and Kafka sends, answers /healthz and /readyz, and listens on loopback only',
    { timeout: 90_000 },
    async () => {
      const port = await freePort();
      const topic = uniqueName('metrics_produce');
      // A rate low enough that the run is still going while the test scrapes it.
      const child = spawn(
        process.execPath,
        [
          BIN,
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
        ],
        {
          env: cleanEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
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
          () => stderr,
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
        expect(stderr).toContain(`metrics on http://127.0.0.1:${port}/metrics`);
        // Bound to 127.0.0.1 alone: another loopback address of the same host is refused.
        expect(await tryGet(`http://127.0.0.2:${port}/healthz`)).toBeNull();
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited, stderr).toBe(0);
    },
  );

  it('binds the address --metrics-host names, and wants a port with it', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        BIN,
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
      ],
      {
        env: cleanEnv(),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Ready (connected to Kafka), so the SIGINT below stops a running producer (exit 0), not a connecting one (130).
      await waitFor(
        async () => ((await tryGet(`http://127.0.0.2:${port}/readyz`))?.status === 200 ? true : undefined),
        'readyz on 127.0.0.2',
        30_000,
      );
      expect(await tryGet(`http://127.0.0.1:${port}/healthz`)).toBeNull();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);

    const usage = spawn(process.execPath, [BIN, 'produce', '--metrics-host', '0.0.0.0'], {
      env: cleanEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    usage.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    expect(await new Promise((resolve) => usage.on('exit', resolve))).toBe(2);
    expect(text).toMatch(/--metrics-host needs --metrics-port/);
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

    const produced = spawn(
      process.execPath,
      [BIN, '--config', suite.configPath, 'produce', '--source', 'synthetic', '--rate', '1000', '--limit', '50'],
      { env: cleanEnv(), stdio: 'ignore' },
    );
    expect(await new Promise((resolve) => produced.on('exit', resolve))).toBe(0);
    await waitForMetric(consumer, 'stockstream_ticks_consumed_total', 50);
    const text = (await get(`${base}/metrics`)).body;
    const topic = suite.config.kafka.topics.prices;
    expect(text).toMatch(new RegExp(`^stockstream_consumer_lag\\{topic="${topic}",partition="\\d"\\} \\d+$`, 'm'));
    expect(text).toMatch(/^stockstream_build_info\{[^}]*command="consume"\} 1$/m);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
