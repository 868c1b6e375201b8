/**
 * End-to-end latency: synthetic ticks published at a fixed rate through the real publisher while the
 * real engine consumes them into InfluxDB (1m and 5m bars, indicators, alerts, ticks and bars
 * written). Every tick's latency runs from the moment it was due at that rate — not when the
 * producer got round to it, so a stall anywhere counts (no coordinated omission) — to the moment the
 * InfluxDB sink's write holding it resolved.
 *
 * A warm-up (until the group has joined and acknowledgements flow, plus a few seconds) is left out.
 */
import type { Tick, WindowOutput } from '../src/model.ts';
import { tickMessage } from '../src/kafka/publisher.ts';
import { runBenches, type Bench, type Figure } from './lib/report.ts';
import { percentile } from './lib/stats.ts';
import { openBenchPublisher, startConsume, syntheticTicks } from './lib/pipeline.ts';
import {
  benchSymbols,
  createBucket,
  createTopic,
  deleteBucket,
  deleteKafkaResources,
  envNumber,
  runConfig,
  uniqueName,
  waitFor,
} from './lib/services.ts';

const RATE = envNumber('BENCH_LATENCY_RATE', 5_000);
const SECONDS = envNumber('BENCH_LATENCY_SECONDS', 60);
const SYMBOLS = 500;
const PARTITIONS = 4;
const WARM_UP_MS = 3_000;
/** Longest wait for the consumer group to join and the first write to land. */
const JOIN_TIMEOUT_MS = 60_000;
/** After the last send, how long the remaining acknowledgements may take. */
const DRAIN_TIMEOUT_MS = 60_000;
/** The publisher wakes up this often and sends every tick due by then. */
const PACE_MS = 1;

const keyOf = (tick: Tick) => `${tick.symbol}@${tick.time}`;

export const latency: Bench = {
  name: 'latency',
  description: `${RATE.toLocaleString('en-US')} ticks/s of ${SYMBOLS} symbols for ${SECONDS}s: due-to-send → InfluxDB acknowledgement of every tick`,
  async run() {
    const topic = uniqueName('latency');
    const bucket = uniqueName('latency');
    const group = uniqueName('latency');
    const bucketId = await createBucket(bucket);
    try {
      await createTopic(topic, PARTITIONS);
      const config = runConfig(
        { prices: topic, bucket, group },
        { sinks: { enabled: ['influx'], writeTicks: true }, windows: { bars: { intervals: ['1m', '5m'] } } },
      );
      /** Due time of every measured tick not yet acknowledged. */
      const due = new Map<string, number>();
      const latencies: number[] = [];
      let acknowledged = 0;
      const engine = startConsume(config, (batch: readonly WindowOutput[]) => {
        const now = performance.now();
        acknowledged += batch.length;
        for (const output of batch) {
          if (output.kind !== 'tick') continue;
          const key = keyOf(output.tick);
          const sentAt = due.get(key);
          if (sentAt === undefined) continue; // a warm-up tick
          latencies.push(now - sentAt);
          due.delete(key);
        }
      });
      const publisher = await openBenchPublisher(config);
      const ticks = syntheticTicks(benchSymbols(SYMBOLS), RATE);
      try {
        const started = performance.now();
        let sent = 0;
        let measureFrom = Number.POSITIVE_INFINITY;
        let measureUntil = Number.POSITIVE_INFINITY;
        let measured = 0;
        for (;;) {
          engine.check();
          const now = performance.now();
          if (measureFrom === Number.POSITIVE_INFINITY) {
            if (acknowledged > 0) {
              measureFrom = now + WARM_UP_MS;
              measureUntil = measureFrom + SECONDS * 1_000;
            } else if (now - started > JOIN_TIMEOUT_MS)
              throw new Error('no acknowledgement within 60s: is the consumer group joining?');
          }
          if (now >= measureUntil) break;
          // Tick k is due at started + k/RATE; send all due by now.
          const count = Math.floor(((now - started) * RATE) / 1_000) + 1 - sent;
          if (count > 0) {
            const batch = ticks.next(count);
            for (let i = 0; i < batch.length; i++) {
              const dueAt = started + ((sent + i) * 1_000) / RATE;
              if (dueAt >= measureFrom) {
                due.set(keyOf(batch[i]!), dueAt);
                measured++;
              }
            }
            await publisher.publish(batch.map((tick) => tickMessage(tick)));
            sent += count;
          }
          await new Promise((resolve) => setTimeout(resolve, PACE_MS));
        }
        await publisher.flush();
        await waitFor(
          'every measured tick to be acknowledged',
          () => (engine.check(), due.size === 0 ? true : undefined),
          DRAIN_TIMEOUT_MS,
        );
        if (latencies.length !== measured)
          throw new Error(`${latencies.length} latencies for ${measured} measured ticks`);
      } finally {
        await publisher.close();
        await engine.stop();
      }
      const note = `${latencies.length.toLocaleString('en-US')} ticks`;
      const p99 = percentile(latencies, 99);
      return [
        { bench: 'latency', metric: 'send → InfluxDB ack p50', value: percentile(latencies, 50), unit: 'ms', note },
        { bench: 'latency', metric: 'send → InfluxDB ack p95', value: percentile(latencies, 95), unit: 'ms' },
        {
          bench: 'latency',
          metric: 'send → InfluxDB ack p99',
          value: p99,
          unit: 'ms',
          target: '≤ 150',
          met: p99 <= 150,
        },
        { bench: 'latency', metric: 'send → InfluxDB ack max', value: percentile(latencies, 100), unit: 'ms' },
      ] satisfies Figure[];
    } finally {
      await deleteKafkaResources([topic], [group]);
      await deleteBucket(bucketId);
    }
  },
};

if (import.meta.main) await runBenches([latency]);
