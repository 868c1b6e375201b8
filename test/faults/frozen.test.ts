/**
 * A consumer frozen (SIGSTOP, as a VM pause or a long GC would) for 20 s — twice the default idle
 * timeout, less than the session timeout, so it stays the owner — while `produce` keeps writing at a
 * live pace, then resumed (SIGCONT). The idle timer fires once, 20 s late: that must not count as
 * quiet. The ticks that landed in Kafka meanwhile are applied, none is judged late, and the bars
 * equal those of an undisturbed run. Runs on the shipped defaults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsumer, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { dropMade } from './support/cleanup.ts';
import { waitForAllCommitted } from './support/progress.ts';
import { replayStream, type ReplayStream } from './support/replay.ts';
import { allUp } from './support/servers.ts';

const FROZEN_MS = 20_000;

let stream: ReplayStream;
let consumer: ConsumerProcess | undefined;

beforeAll(async () => {
  stream = await replayStream('fault_frozen', 13);
});

afterAll(async () => {
  consumer?.child.kill('SIGCONT');
  await consumer?.stop('SIGKILL');
  await allUp();
  await dropMade();
});

describe('consumer frozen', () => {
  it(`judges no tick late after a ${FROZEN_MS / 1_000} s SIGSTOP`, { timeout: 300_000 }, async () => {
    const { suite, ticks, back, produce } = stream;
    consumer = await startConsumer(suite.configPath);
    const producing = produce();

    await waitForMetric(consumer, 'stockstream_ticks_consumed_total', 500);
    await waitForMetric(consumer, 'stockstream_checkpoints_total', 1);
    const before = (await consumer.metrics()).get('stockstream_ticks_consumed_total') ?? 0;
    expect(before, 'the freeze starts mid-stream').toBeLessThan(ticks.length / 2);

    consumer.child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, FROZEN_MS)); // the length of the freeze is the scenario
    consumer.child.kill('SIGCONT');

    const produced = await producing;
    expect(produced.code, produced.stderr).toBe(0);
    await waitForAllCommitted(suite, consumer, 'every offset committed after the freeze');
    const metrics = await consumer.metrics();
    expect(consumer.child.exitCode, 'the consumer kept running').toBeNull();
    expect(metrics.get('stockstream_ticks_consumed_total')).toBe(ticks.length);
    expect(metrics.get('stockstream_late_ticks_total') ?? 0, 'ticks judged late after the freeze').toBe(0);
    expect(metrics.get('stockstream_dlq_messages_total') ?? 0).toBe(0);
    expect(await consumer.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    expect(await back.influx()).toEqual(back.expected);
  });
});
