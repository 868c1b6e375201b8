/** One bounded, retrying queue per sink plus one for the dead-letter topic, behind one router. */
import type { Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { OutgoingMessage, Publisher } from '../kafka/publisher.ts';
import type { WindowOutput } from '../model.ts';
import type { Sink } from '../sinks/types.ts';
import type { Logger } from '../ui/logger.ts';
import { parseDuration } from '../util/duration.ts';
import type { MembershipGate } from './fencing.ts';
import type { ConsumeMetrics } from './metrics.ts';
import { createRouter, type Router } from './router.ts';
import { createSinkQueue, type QueueWriter } from './sink-queue.ts';

export interface LaneHooks {
  metrics: ConsumeMetrics;
  logger: Logger;
  /** Aborting ends every retry (the run failed or a stop ran out of time). */
  retrySignal: AbortSignal;
  onFailed(error: Error): void;
  /** A full queue drained to half: paused fetching may resume. */
  onSpace(): void;
  /** Names of the sinks whose last write failed (and is being retried), for /readyz. */
  failing: Set<string>;
  /** Every write first waits until the group confirmed we are still a member (fencing.ts). */
  gate: MembershipGate;
}

export function createLanes(config: Config, sinks: readonly Sink[], publisher: Publisher, hooks: LaneHooks): Router {
  const { metrics, logger, gate } = hooks;
  const fenced =
    <T>(write: (batch: T[]) => Promise<void>) =>
    async (batch: T[]) => {
      await gate.ready();
      await write(batch);
    };
  const queueOf = <T>(writer: QueueWriter<T>, concurrency = 1) =>
    createSinkQueue(writer, {
      batchSize: config.sinks.batchSize,
      flushIntervalMs: parseDuration(config.sinks.flushInterval),
      maxBuffered: config.sinks.maxBuffered,
      concurrency,
      signal: hooks.retrySignal,
      onWritten: (_count, ms) => {
        hooks.failing.delete(writer.name);
        metrics.sinkWrite.observe({ sink: writer.name }, ms / 1_000);
      },
      onRetry: (error, attempt, delayMs) => {
        hooks.failing.add(writer.name);
        metrics.sinkRetries.inc({ sink: writer.name });
        logger.warn(`${writer.name}: write failed (${errorMessage(error)}); retry ${attempt} in ${Math.round(delayMs)}ms, buffering meanwhile`);
      },
      onFailed: hooks.onFailed,
      onSpace: hooks.onSpace,
    });
  const lanes = sinks.map((sink) => ({
    sink,
    queue: queueOf<WindowOutput>(
      { name: sink.name, write: fenced((batch) => sink.write(batch)), fatal: (error) => sink.fatal?.(error), writeAlone: sink.writeAlone?.bind(sink) },
      sink.concurrency,
    ),
  }));
  const dlq = queueOf<OutgoingMessage>({ name: 'dlq', write: fenced((batch) => publisher.send(batch)) });
  return createRouter(lanes, dlq, metrics, config.sinks.maxBuffered);
}
