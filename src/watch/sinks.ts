/**
 * `watch --sink`: the configured sinks (the consume engine's own modules), fed without Kafka,
 * through the same delivery queues as consume (src/delivery/: batches of `sinks.batchSize`, a
 * partial batch after `sinks.flushInterval`, each sink's `concurrency` and `writeAlone`, retry with
 * backoff). When a queue is full the source waits; closing waits until every sink acknowledged
 * everything — or, once the run was stopped (Ctrl-C, SIGTERM), at most a few seconds: then what is
 * still unwritten is lost, because watch reads no topic it could read again, and it says so.
 */
import type { Config } from '../config/schema.ts';
import { createLanes } from '../delivery/lanes.ts';
import { closeSinks, describeUnwritten, flushUntilStopped } from '../delivery/stop.ts';
import { StockstreamError, UsageError } from '../errors.ts';
import type { WindowOutput } from '../model.ts';
import { sinkCatalog, sinkSpec } from '../sinks/catalog.ts';
import { createSinks, type SinkDeps, type SinkSpec } from '../sinks/index.ts';
import type { Logger } from '../ui/logger.ts';

export interface WatchSinks {
  readonly names: readonly string[];
  /** Ticks (as `kind: 'tick'`) and window outputs; each sink takes the kinds it stores. */
  add(outputs: readonly WindowOutput[]): void;
  /** Resolves when every queue has room again (the source's backpressure), or the user stopped. */
  room(): Promise<void>;
  /**
   * Waits until every sink acknowledged all it was given, then closes them; once the user stopped,
   * it waits a few seconds more at most, and then throws, counting what was lost.
   */
  close(): Promise<void>;
}

export interface WatchSinkHooks {
  /** A sink failed for good: the run stops with this error. */
  onFailed(error: Error): void;
  /** The user stopped the run (Ctrl-C, q, SIGTERM): waiting for sinks that are down ends soon. */
  stopped: AbortSignal;
}

export async function openWatchSinks(
  config: Config,
  deps: SinkDeps,
  logger: Logger,
  hooks: WatchSinkHooks,
): Promise<WatchSinks> {
  const enabled = config.sinks.enabled.filter((name) => {
    // The sink's catalog entry says why watch cannot use it (the console is the table itself…).
    const reason = (sinkSpec(name) as SinkSpec).notInWatch;
    if (reason !== undefined) logger.warn(`watch --sink: skipping the ${name} sink: ${reason}`);
    return reason === undefined;
  });
  if (enabled.length === 0) {
    const usable = sinkCatalog.filter((spec: SinkSpec) => spec.notInWatch === undefined).map((spec) => spec.name);
    throw new UsageError(
      'watch --sink: no sink to write to',
      `enable ${usable.slice(0, -1).join(', ')} or ${usable.at(-1)} in sinks.enabled of the config file`,
    );
  }
  const sinks = await createSinks({ ...config, sinks: { ...config.sinks, enabled } }, deps);
  const retries = new AbortController();
  let waiting: Array<() => void> = [];
  const wakeAll = () => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  const router = createLanes(config, sinks, {
    logger,
    retrySignal: retries.signal,
    onFailed: (error) => {
      wakeAll();
      hooks.onFailed(error);
    },
    onSpace: () => {
      if (!router.full()) wakeAll();
    },
  });
  // A source waiting for room must not hold a stop up.
  hooks.stopped.addEventListener('abort', wakeAll, { once: true });
  logger.info(`watch --sink: writing to ${sinks.map((sink) => sink.name).join(', ')}`);

  return {
    names: sinks.map((sink) => sink.name),
    add(outputs) {
      router.route(outputs);
    },
    room() {
      if (!router.full() || retries.signal.aborted || hooks.stopped.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    async close() {
      try {
        await flushUntilStopped('writing to the sinks', router.whenWritten(router.marks()), {
          stop: hooks.stopped,
          retries,
        });
      } catch (error) {
        // A sink that failed for good is the run's own error; a stop says what it left behind.
        if (!hooks.stopped.aborted) throw error;
        throw new StockstreamError(
          `watch --sink: stopped with ${describeUnwritten(router.unwritten())}: they are lost`,
          {
            hint: 'watch keeps no offsets to resume from; for a pipeline that loses nothing while a sink is down, run stockstream produce and stockstream consume',
            cause: error,
          },
        );
      } finally {
        hooks.stopped.removeEventListener('abort', wakeAll);
        retries.abort();
        waiting = [];
        router.close();
        await closeSinks(sinks, logger);
      }
    },
  };
}
