/**
 * src/delivery/ is how outputs reach the sinks, for `consume` and `watch --sink` alike: one bounded,
 * batching, retrying queue per sink (sink-queue.ts, with the sink's own `concurrency` and
 * `writeAlone`) plus one for the dead-letter topic when there is one, behind one router (router.ts)
 * that knows how far each queue got, and how a stop gives up on sinks that are down (stop.ts). It
 * imports the sink contract, the model, the Kafka message type, config, ui and util — never consume/
 * or watch/, which hand in what is theirs (the DLQ writer, the membership gate, metrics) as hooks.
 *
 * This file builds the lanes: a queue per sink, and the DLQ queue.
 */
import type { Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { OutgoingMessage } from '../kafka/publisher.ts';
import type { WindowOutput } from '../model.ts';
import type { Sink } from '../sinks/types.ts';
import type { Logger } from '../ui/logger.ts';
import type { DeliveryMetrics } from './metrics.ts';
import { createRouter, type Router } from './router.ts';
import { createSinkQueue, type QueueWriter } from './sink-queue.ts';

export interface LaneHooks {
  logger: Logger;
  /** Aborting ends every retry (the run failed or a stop ran out of time). */
  retrySignal: AbortSignal;
  /** A queue gave up (an error no retry fixes, or retries aborted): the run must stop. */
  onFailed(error: Error): void;
  /** A full queue drained to half: a paused reader may resume. */
  onSpace(): void;
  /** The dead-letter writer (consume's DLQ topic); without one, routing dead letters is a bug. */
  deadLetters?(batch: OutgoingMessage[]): Promise<void>;
  /** Awaited before every write (consume: the group confirmed we are still a member, fencing.ts). */
  beforeWrite?(): Promise<void>;
  /** Names of the sinks whose last write failed (and is being retried), for /readyz. */
  failing?: Set<string>;
  metrics?: DeliveryMetrics;
}

export function createLanes(config: Config, sinks: readonly Sink[], hooks: LaneHooks): Router {
  const guarded =
    <T>(write: (batch: T[]) => Promise<void>) =>
    async (batch: T[]) => {
      await hooks.beforeWrite?.();
      await write(batch);
    };
  const queueOf = <T>(writer: QueueWriter<T>, concurrency = 1) =>
    createSinkQueue(writer, {
      batchSize: config.sinks.batchSize,
      flushIntervalMs: config.sinks.flushInterval.ms,
      maxBuffered: config.sinks.maxBuffered,
      concurrency,
      signal: hooks.retrySignal,
      onWritten: (_count, ms) => {
        hooks.failing?.delete(writer.name);
        hooks.metrics?.written(writer.name, ms / 1_000);
      },
      onRetry: (error, attempt, delayMs) => {
        hooks.failing?.add(writer.name);
        hooks.metrics?.retried(writer.name);
        hooks.logger.warn(
          `${writer.name}: write failed (${errorMessage(error)}); retry ${attempt} in ${Math.round(delayMs)}ms, buffering meanwhile`,
        );
      },
      onFailed: hooks.onFailed,
      onSpace: hooks.onSpace,
    });
  const lanes = sinks.map((sink) => ({
    sink,
    queue: queueOf<WindowOutput>(
      {
        name: sink.name,
        write: guarded((batch) => sink.write(batch)),
        fatal: (error) => sink.fatal?.(error),
        writeAlone: sink.writeAlone?.bind(sink),
      },
      sink.concurrency,
    ),
  }));
  const dlq = hooks.deadLetters && queueOf<OutgoingMessage>({ name: 'dlq', write: guarded(hooks.deadLetters) });
  return createRouter(lanes, dlq, hooks.metrics, config.sinks.maxBuffered);
}
