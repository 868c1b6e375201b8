/**
 * A zombie: consumer A is frozen (SIGSTOP) past the group's session timeout while `produce` runs;
 * consumer B joins, the group drops A and B takes every partition over and commits. Then A resumes
 * (SIGCONT) with its stale windows and buffers. A writes nothing until the group confirmed it is a
 * member again (fencing.ts), and a partition it gets back after B committed on it is restored from
 * the state topic instead of continuing from its stale memory (assigned-partitions.ts). Together with the
 * PostgreSQL version column (a bar from an older stream position never replaces a newer one) and
 * exactly-once Kafka outputs they leave exactly the results of an undisturbed run in InfluxDB,
 * PostgreSQL and the kafka sink's topics (each record once), and an empty DLQ. Runs on the shipped
 * defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsumer, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { dropMade } from './support/cleanup.ts';
import { waitForAllCommitted } from './support/progress.ts';
import { expectKafkaOnce } from './support/read-back.ts';
import { replayStream, type ReplayStream } from './support/replay.ts';
import { allUp } from './support/servers.ts';

let stream: ReplayStream;
let zombie: ConsumerProcess | undefined;
let successor: ConsumerProcess | undefined;

beforeAll(async () => {
  // Every sink that can be overwritten: InfluxDB (fenced), PostgreSQL (fenced, and never backwards:
  // migration 004) and the kafka sink (exactly-once: a zombie's transaction never commits its outputs).
  stream = await replayStream('fault_zombie', 17, ['influx', 'postgres', 'kafka']);
});

afterAll(async () => {
  zombie?.child.kill('SIGCONT');
  await zombie?.stop('SIGKILL');
  await successor?.stop('SIGKILL');
  await allUp();
  await dropMade();
});

describe('zombie consumer', () => {
  it(
    'frozen past the session timeout while another takes over, then resumed, overwrites nothing',
    { timeout: 300_000 },
    async () => {
      const { suite, back, produce } = stream;
      zombie = await startConsumer(suite.configPath);
      const producing = produce();
      await waitForMetric(zombie, 'stockstream_ticks_consumed_total', 500);
      await waitForMetric(zombie, 'stockstream_checkpoints_total', 1);

      zombie.child.kill('SIGSTOP');
      successor = await startConsumer(suite.configPath);
      // B only gets partitions once the group gave up on A (the session timeout): that is the takeover.
      await waitForMetric(successor, 'stockstream_ticks_consumed_total', 1, 120_000);
      await waitForMetric(successor, 'stockstream_checkpoints_total', 1, 60_000);
      zombie.child.kill('SIGCONT');

      const produced = await producing;
      expect(produced.code, produced.stderr).toBe(0);
      // A woke up to a silence longer than membership allows and held its writes until the group answered.
      await zombie.waitForStderr(
        /no word from the consumer group for \d+s: writing nothing/,
        'the zombie holding its writes after waking',
      );
      // It got partitions back that B had committed on: their stale memory was dropped for the state
      // topic. Waited for, not read at once: the zombie rejoins only once a heartbeat was refused, which
      // on a loaded machine came after B had committed everything (a run checked too early).
      await zombie.waitForStderr(
        /another consumer committed offset \d+ since we last saw .*restoring from the state topic/,
        'the zombie getting back a partition B committed on',
        120_000,
      );
      await waitForAllCommitted(suite, successor, 'every offset committed after the zombie came back');

      for (const consumer of [zombie, successor]) {
        const metrics = await consumer.metrics();
        expect(consumer.child.exitCode, 'both kept running').toBeNull();
        expect(metrics.get('stockstream_late_ticks_total') ?? 0, 'ticks judged late').toBe(0);
        expect(metrics.get('stockstream_dlq_messages_total') ?? 0).toBe(0);
      }
      expect(await zombie.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(await successor.stop('SIGTERM')).toEqual({ code: 0, signal: null });

      expect(await back.influx()).toEqual(back.expected);
      expect(await back.postgres()).toEqual(back.expected);
      await expectKafkaOnce(back);
    },
  );
});
