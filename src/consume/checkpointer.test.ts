/**
 * The stop's last checkpoint round while a sink is down (seen in a loaded fault run: `consume`
 * exited 0 with 2,000 InfluxDB records unwritten). A regular round had taken the checkpoint and was
 * waiting for the sink when the stop aborted the retries; the failed round left the partition
 * looking checkpointed, so the last round found nothing to take, skipped waiting for the sinks and
 * resolved. Now a failed round puts its checkpoints back, and the last round always waits for the
 * sinks: the stop fails with what is left.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.ts';
import type { Publisher } from '../kafka/publisher.ts';
import type { WindowOutput } from '../model.ts';
import type { Sink } from '../sinks/types.ts';
import { createRouter } from '../delivery/router.ts';
import { createSinkQueue } from '../delivery/sink-queue.ts';
import { createLogger } from '../ui/logger.ts';
import { createWindowPipeline } from '../windows/index.ts';
import { createCheckpointer } from './checkpointer.ts';
import { createMembershipGate } from './fencing.ts';
import { createConsumeMetrics } from './metrics.ts';
import { createPartitionState } from './partition-state.ts';
import { PassThrough } from 'node:stream';

const BAR: WindowOutput = {
  kind: 'bar',
  bar: {
    symbol: 'AAPL',
    interval: '1m',
    start: 0,
    end: 60_000,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
    volume: 1,
    vwap: 1,
    ticks: 1,
    final: true,
  },
};

/** One partition with applied work, and a sink whose server is down: every write fails until the retries are aborted. */
function downSink() {
  const retries = new AbortController();
  const queue = createSinkQueue<WindowOutput>(
    {
      name: 'influx',
      write: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8086')),
    },
    {
      batchSize: 10,
      flushIntervalMs: 10,
      maxBuffered: 100,
      signal: retries.signal,
      initialRetryMs: 5,
      onFailed: () => {},
    },
  );
  const sink = { name: 'influx', accepts: () => true } as unknown as Sink;
  const router = createRouter([{ sink, queue }], undefined, undefined, 100);
  const config = configSchema.parse({});
  const state = createPartitionState(0, createWindowPipeline(config.windows));
  state.position = 10;
  state.touched = true;
  const published: unknown[] = [];
  const checkpointer = createCheckpointer({
    topic: 'prices',
    stateTopic: 'state',
    prefixOf: (partition) => `group:prices:${partition}`,
    partitions: () => [state],
    owns: () => true,
    router,
    publisher: { send: async (records: unknown[]) => void published.push(...records) } as unknown as Publisher,
    commit: async () => {},
    logger: createLogger({ stream: new PassThrough() }),
    metrics: createConsumeMetrics(),
    gate: createMembershipGate({ signal: retries.signal }),
    group: 'group',
  });
  router.route([BAR]);
  return { retries, router, state, checkpointer, published, close: () => router.close() };
}

describe('the last checkpoint round with a sink down', () => {
  it('fails when a regular round was waiting for the sink as the stop aborted its retries', async () => {
    const { retries, router, checkpointer, published, close } = downSink();
    const regular = checkpointer.run().catch((error: Error) => error);
    const last = checkpointer.final();
    retries.abort(); // the stop's grace ran out
    expect(await regular).toBeInstanceOf(Error);
    await expect(last).rejects.toThrow();
    expect(router.unwritten()).toEqual([{ name: 'influx', count: 1 }]);
    expect(published, 'no state record for outputs the sink did not write').toEqual([]);
    close();
  });

  it('takes a partition again after a round that failed', async () => {
    const { retries, state, checkpointer, close } = downSink();
    const failed = checkpointer.run().catch((error: Error) => error);
    retries.abort();
    expect(await failed).toBeInstanceOf(Error);
    expect(state.touched, 'the next round takes the checkpoint again').toBe(true);
    close();
  });
});
