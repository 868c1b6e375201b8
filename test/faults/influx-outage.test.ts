/**
 * Scenario 2: InfluxDB really stopped for 30 s in the middle of the stream. The consumer retries
 * with backoff, pauses fetching once the InfluxDB buffer is full (memory stays bounded, nothing more
 * is read), keeps the other sinks (PostgreSQL, file) written up to what it read, commits nothing
 * InfluxDB did not acknowledge, and once InfluxDB is back every point is there, exactly.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tick } from '../../src/model.ts';
import {
  describeConsumer,
  startConsumer,
  waitForMetric,
  type ConsumerProcess,
} from '../consume/support/consumer-process.ts';
import { waitFor } from '../support/wait.ts';
import { postgresCounts } from '../consume/support/read-back.ts';
import { produce, type ConsumeSuite } from '../consume/support/suite.ts';
import { tickMessages } from '../consume/support/ticks.ts';
import { dropMade, faultSuite } from './support/cleanup.ts';
import { sampleWhile } from './support/metrics.ts';
import { committedOffsets, waitForAllCommitted } from './support/progress.ts';
import { readBack, type ReadBack } from './support/read-back.ts';
import { allUp, startServer, stopServer } from './support/servers.ts';
import { session } from './support/session.ts';

const OUTAGE_MS = 30_000;
const MAX_BUFFERED = 2_000;
/** The engine applies a batch in slices of 2,000 messages and pauses after the slice that filled a buffer. */
const SLICE_OUTPUTS = 2_500;
const MB = 1024 * 1024;
const GAUGE_REFRESH_MS = 1_500;

let suite: ConsumeSuite;
let before: Tick[];
let during: Tick[];
let back: ReadBack;
let consumer: ConsumerProcess | undefined;

beforeAll(async () => {
  // Small sink buffers (the setting this test is about): the InfluxDB buffer fills within seconds of
  // the outage, so the pause on a full buffer and the bounded memory are what the test sees.
  suite = await faultSuite('fault_influx', {
    sinks: { enabled: ['influx', 'postgres', 'file'], batchSize: 500, maxBuffered: MAX_BUFFERED },
  });
  const stream = session({ seed: 5, symbols: ['AAPL', 'MSFT', 'NVDA'], minutes: 60 }, [0.3]);
  [before, during] = stream.parts as [Tick[], Tick[]];
  back = readBack(suite, stream);
});

afterAll(async () => {
  await consumer?.stop('SIGKILL');
  await allUp();
  await dropMade();
});

const fileOutputs = () => readFileSync(suite.config.sinks.file.path, 'utf8').split('\n').filter(Boolean).length;

describe('InfluxDB stopped for 30 s', () => {
  it(
    'pauses with bounded memory, keeps the other sinks going, and stores every point once InfluxDB is back',
    { timeout: 300_000 },
    async () => {
      const topic = suite.config.kafka.topics.prices;
      await produce(topic, tickMessages(before));
      consumer = await startConsumer(suite.configPath);
      await waitForMetric(consumer, 'stockstream_ticks_consumed_total', before.length);
      await waitFor(
        async () => ((await committedOffsets(suite)).some((offset) => offset > 0) ? true : undefined),
        'a first commit',
        30_000,
        () => describeConsumer(consumer!),
      );

      await stopServer('influx');
      const downUntil = Date.now() + OUTAGE_MS;
      const committedAtOutage = await committedOffsets(suite);
      const [barsAtOutage, linesAtOutage] = [(await postgresCounts(suite.postgresUrl)).bars, fileOutputs()];
      // The rest of the stream arrives while InfluxDB is down.
      await produce(topic, tickMessages(during));
      await waitForMetric(consumer, 'stockstream_consumer_paused', 1);
      const atPause = await consumer.samples();
      const readAtPause = atPause.get('stockstream_ticks_consumed_total')!;
      expect(readAtPause, 'paused before the end of the stream').toBeLessThan(before.length + during.length);
      const stillDown = new Promise((resolve) => setTimeout(resolve, downUntil - Date.now())); // the length of the outage is the scenario
      // The gauges are refreshed every second: the first samples may still show the moment before the pause.
      await new Promise((resolve) => setTimeout(resolve, GAUGE_REFRESH_MS));
      const samples = await sampleWhile(stillDown, () => consumer!.samples());
      const read = (name: string) => samples.map((sample) => sample.get(name)).filter((value) => value !== undefined);
      // Paused: nothing more is read, however long InfluxDB stays away, and memory does not grow.
      expect(new Set(read('stockstream_ticks_consumed_total')), 'ticks read while paused').toEqual(
        new Set([readAtPause]),
      );
      expect(Math.max(...read('stockstream_sink_buffered{sink="influx"}'))).toBeLessThanOrEqual(
        MAX_BUFFERED + SLICE_OUTPUTS,
      );
      const rss = read('process_resident_memory_bytes');
      expect(Math.max(...rss) - rss[0]!, 'RSS growth while InfluxDB is down').toBeLessThan(40 * MB);
      // The other sinks were not held up: they kept writing, and hold nothing of what was read.
      expect(Math.max(...read('stockstream_sink_buffered{sink="postgres"}'))).toBe(0);
      expect(Math.max(...read('stockstream_sink_buffered{sink="file"}'))).toBe(0);
      expect((await postgresCounts(suite.postgresUrl)).bars).toBeGreaterThan(barsAtOutage);
      expect(fileOutputs()).toBeGreaterThan(linesAtOutage);
      // Nothing InfluxDB did not acknowledge was committed.
      expect(await committedOffsets(suite)).toEqual(committedAtOutage);
      expect(consumer.stderr()).toMatch(/influx: write failed \(.*\); retry \d+ in \d+ms, buffering meanwhile/);
      expect(Date.now() - (downUntil - OUTAGE_MS)).toBeGreaterThanOrEqual(OUTAGE_MS);
      await startServer('influx');

      await waitForAllCommitted(suite, consumer, 'every offset committed after InfluxDB came back');
      const after = await consumer.samples();
      expect(after.get('stockstream_ticks_consumed_total')).toBe(before.length + during.length);
      expect(after.get('stockstream_consumer_paused')).toBe(0);
      // The pause (30 s, three idle timeouts) is not quiet: no tick that waited in Kafka is judged late.
      expect(after.get('stockstream_late_ticks_total') ?? 0, 'ticks judged late after the pause').toBe(0);
      expect(after.get('stockstream_dlq_messages_total') ?? 0).toBe(0);
      expect(await consumer.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(await back.influx()).toEqual(back.expected);
      expect(await back.postgres()).toEqual(back.expected);
    },
  );
});
