/**
 * `watch --sink`: the configured sinks (the consume engine's own modules), fed without Kafka. Each
 * sink gets the consume engine's bounded queue (batches of `sinks.batchSize`, a partial batch after
 * `sinks.flushInterval`, retry with backoff); when a queue is full the source waits, and closing
 * waits until every sink acknowledged everything.
 */
import type { Config } from '../config/schema.ts';
import { createSinkQueue, type SinkQueue } from '../consume/sink-queue.ts';
import { UsageError, errorMessage } from '../errors.ts';
import type { WindowOutput } from '../model.ts';
import { sinkCatalog, sinkSpec } from '../sinks/catalog.ts';
import { createSinks, type Sink, type SinkDeps, type SinkSpec } from '../sinks/index.ts';
import type { Logger } from '../ui/logger.ts';
import { parseDuration } from '../util/duration.ts';

export interface WatchSinks {
  readonly names: readonly string[];
  /** Ticks (as `kind: 'tick'`) and window outputs; each sink takes the kinds it stores. */
  add(outputs: readonly WindowOutput[]): void;
  /** Resolves when every queue has room again (the source's backpressure). */
  room(): Promise<void>;
  /** Waits until every sink acknowledged all it was given, then closes them. */
  close(): Promise<void>;
}


interface Lane {
  sink: Sink;
  queue: SinkQueue<WindowOutput>;
}

export async function openWatchSinks(config: Config, deps: SinkDeps, logger: Logger, onFailed: (error: Error) => void): Promise<WatchSinks> {
  const enabled = config.sinks.enabled.filter((name) => {
    // The sink's catalog entry says why watch cannot use it (the console is the table itself…).
    const reason = (sinkSpec(name) as SinkSpec).notInWatch;
    if (reason !== undefined) logger.warn(`watch --sink: skipping the ${name} sink: ${reason}`);
    return reason === undefined;
  });
  if (enabled.length === 0) {
    const usable = sinkCatalog.filter((spec: SinkSpec) => spec.notInWatch === undefined).map((spec) => spec.name);
    throw new UsageError('watch --sink: no sink to write to', `enable ${usable.slice(0, -1).join(', ')} or ${usable.at(-1)} in sinks.enabled of the config file`);
  }
  const sinks = await createSinks({ ...config, sinks: { ...config.sinks, enabled } }, deps);
  const retries = new AbortController();
  let waiting: Array<() => void> = [];
  const wake = () => {
    if (lanes.some((lane) => lane.queue.full())) return;
    for (const resolve of waiting.splice(0)) resolve();
  };
  const lanes: Lane[] = sinks.map((sink) => ({
    sink,
    queue: createSinkQueue<WindowOutput>(
      { name: sink.name, write: (batch) => sink.write(batch), fatal: (error) => sink.fatal?.(error) },
      {
        batchSize: config.sinks.batchSize,
        flushIntervalMs: parseDuration(config.sinks.flushInterval),
        maxBuffered: config.sinks.maxBuffered,
        signal: retries.signal,
        onRetry: (error, attempt, delayMs) =>
          logger.warn(`${sink.name}: write failed (${errorMessage(error)}); retry ${attempt} in ${Math.round(delayMs)}ms, buffering meanwhile`),
        onFailed: (error) => {
          for (const resolve of waiting.splice(0)) resolve();
          onFailed(error);
        },
        onSpace: wake,
      },
    ),
  }));
  logger.info(`watch --sink: writing to ${sinks.map((sink) => sink.name).join(', ')}`);

  return {
    names: sinks.map((sink) => sink.name),
    add(outputs) {
      for (const { sink, queue } of lanes) queue.enqueue(outputs.filter((output) => sink.accepts(output)));
    },
    room() {
      if (!lanes.some((lane) => lane.queue.full())) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    async close() {
      try {
        await Promise.all(lanes.map(({ queue }) => queue.whenWritten(queue.appended())));
      } finally {
        retries.abort();
        waiting = [];
        for (const { queue } of lanes) queue.close();
        for (const { sink } of lanes) await sink.close().catch((error: unknown) => logger.warn(`${sink.name}: close failed: ${errorMessage(error)}`));
      }
    },
  };
}
