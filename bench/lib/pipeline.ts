/**
 * The real pipeline pieces the benchmarks drive: synthetic ticks published through the real
 * publisher, and the real consume engine run in-process with its sinks wrapped so the benchmark
 * hears every acknowledgement.
 */
import type { Config } from '../../src/config/schema.ts';
import { runConsume, type ConsumeSummary } from '../../src/consume/engine.ts';
import { createKafka } from '../../src/kafka/client.ts';
import { openPublisher, tickMessage, type Publisher, type PublisherOptions } from '../../src/kafka/publisher.ts';
import type { SinkName } from '../../src/config/schema.ts';
import type { Tick, WindowOutput } from '../../src/model.ts';
import { createSinks, type Sink } from '../../src/sinks/index.ts';
import { createSyntheticGenerator, type SyntheticGenerator } from '../../src/sources/synthetic/generator.ts';
import { createOutput } from '../../src/ui/output.ts';
import { createWindowPipeline } from '../../src/windows/index.ts';
import { quietLogger } from './services.ts';

/** A Monday 09:30 New York: event times of synthetic runs fall in one regular session. */
export const SESSION_OPEN = Date.parse('2026-03-02T14:30:00Z');

/**
 * Synthetic ticks whose event time advances `eventRate` ticks per second over all symbols —
 * independent of how fast they are published, so a fast preload still spans real bars.
 */
export function syntheticTicks(symbols: string[], eventRate: number): SyntheticGenerator {
  return createSyntheticGenerator({ symbols, seed: 1, volatility: 0.3, rate: eventRate, start: SESSION_OPEN });
}

export async function openBenchPublisher(config: Config, options: Partial<PublisherOptions> = {}): Promise<Publisher> {
  const kafka = createKafka(config, quietLogger, { clientIdSuffix: 'bench' });
  return openPublisher(kafka, config, quietLogger, { topic: config.kafka.topics.prices, ...options });
}

/** Publishes `rate` ticks a second for `seconds`, as live data arrives; resolves once Kafka acknowledged all. */
export async function publishAtRate(
  config: Config,
  ticks: SyntheticGenerator,
  rate: number,
  seconds: number,
): Promise<number> {
  const publisher = await openBenchPublisher(config);
  const total = rate * seconds;
  try {
    const started = performance.now();
    for (let sent = 0; sent < total;) {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1_000) + 1);
      if (due > sent) {
        await publisher.publish(ticks.next(due - sent).map((tick: Tick) => tickMessage(tick)));
        sent = due;
      }
      await new Promise((resolve) => setTimeout(resolve, 5)); // pacing, not waiting for a result
    }
    await publisher.flush();
    return total;
  } finally {
    await publisher.close();
  }
}

/**
 * Publishes `count` ticks as fast as the publisher takes them and resolves once Kafka acknowledged
 * all, with the milliseconds from the first publish to that (connecting left out).
 */
export async function preload(
  config: Config,
  ticks: SyntheticGenerator,
  count: number,
  options: Partial<PublisherOptions> = {},
): Promise<number> {
  const publisher = await openBenchPublisher(config, options);
  const started = performance.now();
  try {
    for (let sent = 0; sent < count;) {
      const batch = ticks.next(Math.min(5_000, count - sent));
      await publisher.publish(batch.map((tick: Tick) => tickMessage(tick)));
      sent += batch.length;
    }
    await publisher.flush();
    return performance.now() - started;
  } finally {
    await publisher.close();
  }
}

export type OnAcknowledged = (outputs: readonly WindowOutput[], sink: SinkName) => void;

/** A sink that tells `onAcknowledged` about each batch once the sink itself resolved its write. */
export function acknowledging(sink: Sink, onAcknowledged: OnAcknowledged): Sink {
  return {
    name: sink.name,
    accepts: (output) => sink.accepts(output),
    async write(batch) {
      await sink.write(batch);
      onAcknowledged(batch, sink.name);
    },
    fatal: (error) => sink.fatal?.(error),
    close: () => sink.close(),
  };
}

export interface RunningConsume {
  /** performance.now() when the engine built its first partition pipeline: its first batch arrived. */
  firstBatchAt(): number | undefined;
  /** Throws the error the engine stopped with, if it did: lets a waiting benchmark give up at once. */
  check(): void;
  /** Stops like SIGTERM does (flush, checkpoint, commit) and returns the engine's summary. */
  stop(): Promise<ConsumeSummary>;
}

/** Starts `runConsume` with the configured sinks (or the one given), each wrapped by `acknowledging`. */
export function startConsume(
  config: Config,
  onAcknowledged: OnAcknowledged,
  sinks: 'configured' | Sink = 'configured',
): RunningConsume {
  const controller = new AbortController();
  let firstBatchAt: number | undefined;
  const done = runConsume(config, {
    logger: quietLogger,
    signal: controller.signal,
    createPipeline: () => {
      firstBatchAt ??= performance.now();
      return createWindowPipeline(config.windows);
    },
    createSinks: async (publisher) => {
      const created =
        sinks !== 'configured'
          ? [sinks]
          : await createSinks(config, {
              logger: quietLogger,
              json: false,
              out: createOutput(false),
              tty: false,
              publisher,
            });
      return created.map((sink) => acknowledging(sink, onAcknowledged));
    },
  });
  let failure: unknown;
  // A failed run must not become an unhandled rejection before someone awaits stop().
  done.catch((error: unknown) => void (failure = error));
  return {
    firstBatchAt: () => firstBatchAt,
    check: () => {
      if (failure !== undefined) throw failure;
    },
    stop: () => {
      controller.abort();
      return done;
    },
  };
}
