/**
 * Scenario 1: the Kafka broker stops for 20 s while `produce` and `consume` run — once cleanly, once
 * killed with SIGKILL (no controlled shutdown) — then starts again with its data. The producer
 * holds its ticks and sends them once the broker is back; the consumer resumes where it was. The topic ends with every tick exactly once, in order per symbol, and the
 * bars in InfluxDB equal those of an undisturbed run, and the kafka sink's topics hold each bar,
 * indicator point and alert of it exactly once for a read_committed reader.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeTick, type Tick } from '../../src/model.ts';
import { startConsumer, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { groupProgress, readTopic } from '../consume/support/suite.ts';
import { dropMade } from './support/cleanup.ts';
import { waitForAllCommitted } from './support/progress.ts';
import { expectKafkaOnce } from './support/read-back.ts';
import { replayStream } from './support/replay.ts';
import { allUp, outage } from './support/servers.ts';

const OUTAGE_MS = 20_000;

let consumer: ConsumerProcess | undefined;

afterEach(async () => {
  await consumer?.stop('SIGKILL');
  consumer = undefined;
  await allUp();
  await dropMade();
});

describe('Kafka broker restart', () => {
  it.each(['stop', 'SIGKILL'] as const)(
    'loses no tick and no bar while the broker is down for 20 s (%s)',
    { timeout: 300_000 },
    async (how) => {
      // A fresh suite per case: each broker outage meets its own topic, group and bucket.
      // With the kafka sink: its outputs, the state records and the offsets are in transactions the outage cuts through.
      const { suite, ticks, back, produce } = await replayStream(`fault_kafka_${how.toLowerCase()}`, 11, [
        'influx',
        'kafka',
      ]);
      const topic = suite.config.kafka.topics.prices;
      consumer = await startConsumer(suite.configPath);
      const producing = produce();

      // Both are running and data flows end to end before the broker goes away.
      await waitForMetric(consumer, 'stockstream_ticks_consumed_total', 500);
      await waitForMetric(consumer, 'stockstream_checkpoints_total', 1);
      const before = (await consumer.metrics()).get('stockstream_ticks_consumed_total') ?? 0;
      expect(before, 'the outage starts mid-stream').toBeLessThan(ticks.length / 2);

      await outage('kafka', OUTAGE_MS, how);

      const produced = await producing;
      expect(produced.code, produced.stderr).toBe(0);
      expect(JSON.parse(produced.stdout)).toMatchObject({ published: ticks.length, deadLettered: 0 });
      // It did meet the outage: it held its ticks and said so.
      expect(produced.stderr).toMatch(/Kafka at .* is away .*holding \d+ message\(s\), retry 1 in/);
      expect(produced.stderr).toMatch(/Kafka at .* is back after \d+ retr/);

      await waitForAllCommitted(suite, consumer, 'every offset committed after the broker came back');
      const metrics = await consumer.metrics();
      expect(consumer.child.exitCode, 'the consumer kept running').toBeNull();
      // Each tick applied exactly once: none lost in the outage, none re-applied after it.
      expect(metrics.get('stockstream_ticks_consumed_total')).toBe(ticks.length);
      expect(metrics.get('stockstream_dlq_messages_total') ?? 0).toBe(0);
      expect(await consumer.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      // The topic holds every tick once, each symbol's ticks in the order they were produced.
      const stored = await readTopic(topic, ticks.length, 60_000);
      const size = (await groupProgress(suite.config.kafka.groupId, topic)).reduce((sum, p) => sum + p.end, 0);
      expect(size).toBe(ticks.length);
      const bySymbol = (list: Tick[]) => {
        const groups = new Map<string, Tick[]>();
        for (const tick of list) groups.set(tick.symbol, [...(groups.get(tick.symbol) ?? []), tick]);
        return groups;
      };
      const inTopic = stored
        .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
        .map((m) => decodeTick(m.value));
      expect(bySymbol(inTopic)).toEqual(bySymbol(ticks));

      expect(await back.influx()).toEqual(back.expected);
      await expectKafkaOnce(back);
    },
  );
});
