/**
 * The produce pipeline: optional backfill, then the live source, each tick validated and
 * canonicalised through the wire codec, published keyed by symbol, optionally recorded, counted in
 * the status. Bad ticks and rejected input go to `<topic>.dlq` with the reason in an `error` header.
 */
import type { Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import { createKafka } from '../kafka/client.ts';
import { openPublisher, tickMessage, type OutgoingMessage } from '../kafka/publisher.ts';
import { dlqTopic, ensureTopics } from '../kafka/topics.ts';
import { decodeTick, encodeTick, type Tick } from '../model.ts';
import { serveMetrics, type MetricsServer } from '../metrics/server.ts';
import type { Logger } from '../ui/logger.ts';
import { plannedSources } from './index.ts';
import { createProduceMetrics, type ProduceMetrics } from './produce-metrics.ts';
import { openRecorder, type Recorder } from './record.ts';
import { startStatus } from './status.ts';
import type { Source, SourceContext, SourceDeps } from './types.ts';

export interface ProduceOptions {
  logger: Logger;
  /** Fires on SIGINT/SIGTERM: stop fetching, flush, return. */
  signal: AbortSignal;
  /** Stop after publishing this many ticks. */
  limit?: number;
  /** Append every published tick to this NDJSON file. */
  recordFile?: string;
  /** Yahoo's fetch and the clock, for tests. */
  deps?: SourceDeps;
  /** How often the status is reported (default 10 s for log lines, 1 s on a terminal). */
  statusIntervalMs?: number;
  /** Serve Prometheus metrics, /healthz and /readyz on this port. */
  metricsPort?: number;
  /** Address the metrics server binds (default 127.0.0.1). */
  metricsHost?: string;
}

export interface ProduceSummary {
  topic: string;
  published: number;
  /** Ticks and input lines sent to the dead-letter topic. */
  deadLettered: number;
  bySource: Record<string, number>;
  elapsedMs: number;
  stoppedBy: 'end' | 'limit' | 'signal';
}

function sameKeyOrder(a: object, b: object): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return false;
  return true;
}

/**
 * A round trip through the codec validates the tick and puts its fields in one canonical order, so
 * a recorded file replays to byte-identical messages. Ticks already in that order (the sources
 * build them so) keep their first encoding: a second JSON.stringify per tick is measurable at 100k/s.
 */
function canonicalTick(tick: Tick): { clean: Tick; value: string } {
  const first = encodeTick(tick);
  const clean = decodeTick(first);
  return { clean, value: sameKeyOrder(tick, clean) ? first : encodeTick(clean) };
}

/** The source's logger, also counting the warnings and errors it reports as source errors. */
function countingLogger(logger: Logger, count: () => void): Logger {
  return Object.assign(Object.create(logger) as Logger, {
    warn: (message: string, fields?: Record<string, unknown>) => {
      count();
      logger.warn(message, fields);
    },
    error: (message: string, fields?: Record<string, unknown>) => {
      count();
      logger.error(message, fields);
    },
  });
}

function deadLetter(topic: string, key: string | null, raw: string, reason: string, source: string): OutgoingMessage {
  return { topic: dlqTopic(topic), key, value: raw, headers: { error: reason, source } };
}

export async function produce(config: Config, options: ProduceOptions): Promise<ProduceSummary> {
  const { logger } = options;
  const topic = config.kafka.topics.prices;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const started = Date.now();
  const limitReached = new AbortController();
  const signal = AbortSignal.any([options.signal, limitReached.signal]);
  const sources = await plannedSources(config, options.deps);

  const metrics: ProduceMetrics = createProduceMetrics();
  let connected = false;
  let server: MetricsServer | undefined;
  if (options.metricsPort !== undefined) {
    const notReady = () => (connected ? [] : ['not connected to Kafka yet']);
    server = await serveMetrics(metrics.registry, { port: options.metricsPort, host: options.metricsHost, notReady });
    logger.info(`metrics on ${server.url}/metrics (health: /healthz, /readyz)`);
  }

  const kafka = createKafka(config, logger, { clientIdSuffix: 'producer' });
  let publisher: Awaited<ReturnType<typeof openPublisher>>;
  try {
    await ensureTopics(kafka, config, logger, [{ topic }, { topic: dlqTopic(topic) }], signal);
    // The user's stop, not the limit: after the limit the buffered ticks are still sent.
    publisher = await openPublisher(kafka, config, logger, {
      topic,
      signal: options.signal,
      onSent: (_messages, ms) => metrics.sendSeconds.observe(ms / 1_000),
      onRetry: () => metrics.sendRetries.inc(),
    });
  } catch (error) {
    server?.close();
    throw error;
  }
  connected = true;
  let recorder: Recorder | undefined;
  const status = await startStatus(logger, { intervalMs: options.statusIntervalMs });
  let published = 0;
  let deadLettered = 0;

  const emitFrom = (source: string) => async (ticks: Tick[]) => {
    const room = limit - published;
    if (room <= 0) return;
    const batch = ticks.length > room ? ticks.slice(0, room) : ticks;
    const messages: OutgoingMessage[] = [];
    const lines: string[] = [];
    for (const tick of batch) {
      try {
        const { clean, value } = canonicalTick(tick);
        messages.push(tickMessage(clean, value));
        lines.push(value);
      } catch (error) {
        messages.push(
          deadLetter(
            topic,
            typeof tick.symbol === 'string' ? tick.symbol : null,
            JSON.stringify(tick),
            errorMessage(error),
            source,
          ),
        );
        deadLettered += 1;
        metrics.deadLettered.inc({ source });
      }
    }
    await Promise.all([publisher.publish(messages), recorder?.write(lines)]);
    published += lines.length;
    if (lines.length > 0) metrics.published.inc({ source }, lines.length);
    status.count(source, lines.length);
    if (published >= limit) limitReached.abort('limit');
  };

  const contextFor = (source: Source): SourceContext => ({
    symbols: config.symbols,
    signal,
    logger: countingLogger(logger, () => metrics.sourceErrors.inc({ source: source.name })),
    emit: emitFrom(source.name),
    status: (text) => status.sourceStatus(source.name, text),
    reject: async (raw, reason) => {
      deadLettered += 1;
      metrics.deadLettered.inc({ source: source.name });
      metrics.sourceErrors.inc({ source: source.name });
      await publisher.publish([deadLetter(topic, null, raw, reason, source.name)]);
    },
  });

  try {
    if (options.recordFile) recorder = await openRecorder(options.recordFile);
    logger.info(
      `publishing ${sources.map((s) => s.name).join(' then ')} ticks of ${config.symbols.length} symbols to ${topic}`,
      {
        brokers: config.kafka.brokers.join(','),
      },
    );
    for (const source of sources) {
      if (signal.aborted) break;
      await source.run(contextFor(source));
    }
    await publisher.flush();
  } finally {
    status.stop();
    await recorder?.close();
    await publisher.close();
    server?.close();
  }
  const stoppedBy = limitReached.signal.aborted ? 'limit' : options.signal.aborted ? 'signal' : 'end';
  return { topic, published, deadLettered, bySource: status.totals(), elapsedMs: Date.now() - started, stoppedBy };
}
