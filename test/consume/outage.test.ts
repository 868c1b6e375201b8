/**
 * A sink that is down: InfluxDB behind a proxy that drops every connection. The consumer retries
 * with backoff, pauses fetching once its bounded buffer is full, keeps the other sink (file) going,
 * commits nothing InfluxDB has not acknowledged, and catches up exactly once InfluxDB is back.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '../support/services.ts';
import { describeConsumer, startConsumer, waitForMetric, type ConsumerProcess } from './support/consumer-process.ts';
import { waitFor } from '../support/wait.ts';
import { outageProxy, type OutageProxy } from './support/outage-proxy.ts';
import { influxResults } from './support/read-back.ts';
import { createSuite, groupProgress, produce, type ConsumeSuite } from './support/suite.ts';
import { closingTicks, expectedResults, tickMessages, tickStream, type Results } from './support/ticks.ts';

let proxy: OutageProxy;
let suite: ConsumeSuite;
let expected: Results;
let ticks: number;
let consumer: ConsumerProcess | undefined;

beforeAll(async () => {
  proxy = await outageProxy(services().influx.url);
  // Small sink buffers (the setting this test is about): the buffer fills during the outage, so the
  // test sees fetching pause instead of a default 100,000-output buffer absorbing the whole stream.
  suite = await createSuite('consume_outage', {
    influxUrl: proxy.url,
    sinks: { enabled: ['influx', 'file'], batchSize: 500, maxBuffered: 2_000 },
  });
  const stream = tickStream({ seed: 3, symbols: ['AAPL', 'MSFT', 'NVDA'], minutes: 30 });
  const all = [...stream, ...closingTicks(stream)];
  ticks = all.length;
  expected = expectedResults(suite.config.windows, all);
  await produce(suite.config.kafka.topics.prices, tickMessages(all));
});

afterAll(async () => {
  await consumer?.stop('SIGKILL');
  await proxy.close();
});

const fileLines = () => {
  try {
    return readFileSync(suite.config.sinks.file.path, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe('a sink that is down', () => {
  it(
    'is retried with backoff behind a bounded buffer, loses nothing, and catches up when back',
    { timeout: 180_000 },
    async () => {
      proxy.down();
      consumer = await startConsumer(suite.configPath);
      await waitForMetric(consumer, 'stockstream_sink_retries_total', 2);
      await waitForMetric(consumer, 'stockstream_consumer_paused', 1);
      const whileDown = await consumer.metrics();
      // Paused: it stopped reading long before the end of the stream.
      expect(whileDown.get('stockstream_ticks_consumed_total')).toBeLessThan(ticks);
      expect(consumer.stderr()).toMatch(/influx: write failed .*; retry \d+ in \d+ms, buffering meanwhile/);
      // The other sink kept writing what was read.
      await waitFor(() => (fileLines() > 0 ? true : undefined), 'the file sink to write while InfluxDB is down');
      // Nothing InfluxDB did not acknowledge is committed.
      const progress = await groupProgress(suite.config.kafka.groupId, suite.config.kafka.topics.prices);
      expect(progress.every((p) => p.committed === -1)).toBe(true);

      proxy.up();
      await waitFor(
        async () => {
          const now = await groupProgress(suite.config.kafka.groupId, suite.config.kafka.topics.prices);
          return now.every((p) => p.committed === p.end || p.end === 0) ? true : undefined;
        },
        'every offset committed after InfluxDB came back',
        90_000,
        () => describeConsumer(consumer!),
      );
      const after = await consumer.metrics();
      expect(after.get('stockstream_ticks_consumed_total')).toBe(ticks);
      expect(after.get('stockstream_consumer_paused')).toBe(0);
      expect(await consumer.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(await influxResults(suite.influx, suite.config)).toEqual(expected);
    },
  );
});
