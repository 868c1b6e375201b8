/**
 * The one Kafka producer of StockStream (produce, info sync, the consume `kafka` sink and DLQ):
 * idempotent, acks=all, keyed messages, compressed as `kafka.compression` says (none by default).
 *
 * `publish` only buffers; one background loop sends whatever accumulated while the previous request
 * was in flight, so batches grow with the load without a linger timer, and an idempotent producer
 * (one request in flight) keeps per-partition order. A full buffer makes `publish` wait: that is the
 * backpressure a source feels through its `emit`. `flush` resolves once everything published so far
 * is acknowledged by all in-sync replicas; `send` is publish + wait for those very messages.
 *
 * A broker that is away (stopped, restarting, unreachable) is waited for: the same batch is sent
 * again, unchanged, with backoff until `signal` fires, so a restart loses and reorders nothing, and
 * a batch the broker wrote just before it went down is recognised as a duplicate by the idempotent
 * producer (a batch merged with newer messages would be refused as out of order). Errors that
 * another try cannot fix (a missing topic, a message too large) fail.
 */
import { CompressionTypes, type Kafka, type Message, type Producer, type ProducerBatch } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { ConnectError, errorMessage } from '../errors.ts';
import { encodeTick, SCHEMA_VERSION, type Tick } from '../model.ts';
import type { Logger } from '../ui/logger.ts';
import { ChunkBuffer, MarkWaiters } from '../util/chunk-buffer.ts';
import { backoffDelay, sleep } from '../util/retry.ts';
import { cachingPartitioner } from './partitioner.ts';
import { connectKafka } from './topics.ts';

export interface OutgoingMessage {
  /** Defaults to the publisher's topic. */
  topic?: string;
  key: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export interface PublisherOptions {
  /** Topic of messages that do not name one. */
  topic: string;
  /**
   * Messages per produce request (default 2,000). kafkajs groups a request's messages by partition
   * in quadratic time, so much larger requests cost more CPU than the round trips they save.
   */
  maxBatchMessages?: number;
  /**
   * Bytes per produce request, counted uncompressed (default 900,000): the broker refuses a record
   * batch over its message.max.bytes (1 MiB by default), and 2,000 window-state records of a few KB
   * each would be far over it. A single larger message still goes alone, and the broker names it.
   */
  maxBatchBytes?: number;
  /** Messages held in memory before `publish` waits (default 100,000). */
  maxBufferedMessages?: number;
  /** Stops connecting and waiting for a broker that is away; sends then fail. */
  signal?: AbortSignal;
  /** First delay between two sends to a broker that is away; doubles up to 10 s (default 500 ms). */
  initialRetryMs?: number;
  /**
   * Overrides `kafka.compression` (default none): gzip (the only codec kafkajs has built in) cost
   * ~30% of produce throughput on 2 cores (bench/producer.ts prints both) and the broker and every
   * consumer pay to inflate it again; ticks are ~350 bytes of JSON, so the bandwidth it saves is
   * small next to that.
   */
  compression?: 'none' | 'gzip';
  /** After each acknowledged produce request: its size and how long Kafka took (for metrics). */
  onSent?(messages: number, ms: number): void;
  /** Each time a request is held to be sent again because the broker is away (for metrics). */
  onRetry?(): void;
}

export interface PublisherStats {
  /** Messages accepted by `publish`. */
  published: number;
  /** Messages acknowledged by Kafka. */
  acknowledged: number;
  /** Produce requests sent. */
  requests: number;
}

export interface Publisher {
  /** Buffers the messages; waits only while the buffer is full. Throws once a send failed. */
  publish(messages: OutgoingMessage[]): Promise<void>;
  /** Publishes and resolves when these messages (and all before them) are acknowledged. */
  send(messages: OutgoingMessage[]): Promise<void>;
  /** Resolves when everything published so far is acknowledged. */
  flush(): Promise<void>;
  /** Flushes (best effort after a failure) and disconnects. */
  close(): Promise<void>;
  stats(): PublisherStats;
}

/** The `schema` header of tick messages; consumers can route on it without parsing the value. */
export const TICK_SCHEMA = `tick.v${SCHEMA_VERSION}`;

/** A tick as a Kafka message: keyed by symbol (same symbol → same partition), headers source and schema. */
export function tickMessage(tick: Tick, value: string = encodeTick(tick)): OutgoingMessage {
  return { key: tick.symbol, value, headers: { source: tick.source, schema: TICK_SCHEMA } };
}

/** kafkajs errors that mean "the broker is away or moving", found anywhere in the cause chain. */
const TRANSIENT_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
]);
const TRANSIENT_PROTOCOL_TYPES = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
]);
const MAX_RETRY_MS = 10_000;

/**
 * Whether the same request can succeed later without anyone changing anything. kafkajs wraps a
 * refused connection in a non-retriable error once its own retries are spent, so the chain is
 * searched; "unknown topic" is left out on purpose: here it means a topic that does not exist.
 */
export function isTransientKafkaError(error: unknown): boolean {
  return someCause(
    error,
    (e) => TRANSIENT_ERRORS.has(e.name) || TRANSIENT_PROTOCOL_TYPES.has(String((e as { type?: unknown }).type)),
  );
}

/** Whether a Kafka protocol error of this type is anywhere in the cause chain. */
function hasProtocolType(error: unknown, type: string): boolean {
  return someCause(error, (e) => (e as { type?: unknown }).type === type);
}

function someCause(error: unknown, test: (e: Error) => boolean): boolean {
  for (const e of causeChain(error)) if (test(e)) return true;
  return false;
}

/** An error and its causes (`cause`, or kafkajs' `originalError`), each once. */
export function* causeChain(error: unknown): Generator<Error> {
  const seen = new Set<unknown>();
  for (
    let e: unknown = error;
    e instanceof Error && !seen.has(e);
    e = e.cause ?? (e as { originalError?: unknown }).originalError
  ) {
    seen.add(e);
    yield e;
  }
}

/** Kafka's per-record framing (length, attributes, deltas, key/value/header lengths), roughly. */
const RECORD_OVERHEAD_BYTES = 32;

const byteLength = (data: string | Buffer | null) =>
  data === null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;

/** A message's share of a produce request, uncompressed. */
export function messageBytes(message: OutgoingMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value);
  for (const name in message.headers) bytes += name.length + byteLength(message.headers[name]!);
  return bytes;
}

/** One produce request of kafkajs (acks from all in-sync replicas) for these messages. */
export function produceRequest(
  batch: readonly OutgoingMessage[],
  defaultTopic: string,
  compression: 'none' | 'gzip',
): ProducerBatch {
  const byTopic = new Map<string, Message[]>();
  for (const message of batch) {
    const topic = message.topic ?? defaultTopic;
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    // No Kafka timestamp from event time on purpose: backfilled ticks weeks old would fall behind
    // the topic's retention and be deleted on arrival.
    list.push({ key: message.key, value: message.value, headers: message.headers });
  }
  return {
    acks: -1,
    compression: compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  };
}

/** Wraps a connected kafkajs producer; `openPublisher` is the usual way in. */
export function createPublisher(
  producer: Producer,
  config: Config,
  options: PublisherOptions,
  logger?: Logger,
): Publisher {
  const maxBatch = options.maxBatchMessages ?? 2_000;
  const maxBytes = options.maxBatchBytes ?? 900_000;
  const maxBuffered = options.maxBufferedMessages ?? 100_000;
  const buffer = new ChunkBuffer<OutgoingMessage>();
  const requestBytes = { cost: messageBytes, limit: maxBytes };
  let published = 0;
  let acknowledged = 0;
  /** Topics this publisher has written to: an "unknown topic" answer for one of them is a broker reloading. */
  const written = new Set<string>();
  let requests = 0;
  let failure: Error | undefined;
  let draining: Promise<void> | undefined;
  const ackWaiters = new MarkWaiters();
  let spaceWaiters: Array<() => void> = [];

  /** Up to `maxBatch` messages and `maxBytes` bytes from the front of the buffer (at least one message). */
  const takeBatch = (): OutgoingMessage[] => buffer.take(maxBatch, requestBytes);

  const settle = () => {
    ackWaiters.settle(acknowledged, failure);
    const waiting = spaceWaiters;
    spaceWaiters = [];
    for (const wake of waiting) wake();
  };

  const sendBatch = (batch: OutgoingMessage[]) =>
    producer.sendBatch(produceRequest(batch, options.topic, options.compression ?? config.kafka.compression));

  const brokers = config.kafka.brokers.join(', ');
  let retries = 0;
  /** A batch the broker did not acknowledge, to be sent again exactly as it was. */
  let unsent: OutgoingMessage[] | undefined;

  /** Keeps the batch for another try and waits; false when the error is for good or the run is stopping. */
  const waitForBroker = async (batch: OutgoingMessage[], error: unknown): Promise<boolean> => {
    // "Unknown topic" for a topic this publisher already wrote to is a broker that restarted after
    // a crash and has not loaded the partition yet, not a topic that does not exist.
    const reloading =
      batch.every((message) => written.has(message.topic ?? options.topic)) &&
      hasProtocolType(error, 'UNKNOWN_TOPIC_OR_PARTITION');
    if (!(isTransientKafkaError(error) || reloading) || options.signal?.aborted) return false;
    unsent = batch;
    options.onRetry?.();
    const delay = backoffDelay(retries, { initialMs: options.initialRetryMs ?? 500, maxMs: MAX_RETRY_MS });
    retries += 1;
    logger?.warn(
      `Kafka at ${brokers} is away (${errorMessage(error)}); holding ${buffer.size + batch.length} message(s), retry ${retries} in ${Math.round(delay)}ms`,
    );
    await sleep(delay, options.signal);
    return true;
  };

  const drain = async () => {
    while ((unsent || buffer.size > 0) && !failure) {
      const batch = unsent ?? takeBatch();
      unsent = undefined;
      settle(); // room in the buffer again
      try {
        const started = performance.now();
        await sendBatch(batch);
        options.onSent?.(batch.length, performance.now() - started);
        requests += 1;
        acknowledged += batch.length;
        for (const message of batch) written.add(message.topic ?? options.topic);
        if (retries > 0)
          logger?.info(`Kafka at ${brokers} is back after ${retries} retr${retries === 1 ? 'y' : 'ies'}`);
        retries = 0;
      } catch (error) {
        if (await waitForBroker(batch, error)) continue;
        failure = new ConnectError('Kafka', `publishing to ${brokers} failed: ${errorMessage(error)}`, {
          hint: 'check that the brokers are up and the topic exists (`stockstream doctor`)',
          cause: error,
        });
      }
      settle();
    }
    draining = undefined;
  };

  const kick = () => {
    draining ??= drain();
  };

  const waitForSpace = () => new Promise<void>((resolve) => spaceWaiters.push(resolve));

  const waitForAck = (target: number) => ackWaiters.wait(target, acknowledged, failure);

  const publish = async (messages: OutgoingMessage[]) => {
    while (!failure && buffer.size >= maxBuffered) await waitForSpace();
    if (failure) throw failure;
    if (messages.length === 0) return;
    buffer.push(messages.slice());
    published += messages.length;
    kick();
  };

  return {
    publish,
    send: async (messages) => {
      await publish(messages);
      await waitForAck(published);
    },
    flush: () => waitForAck(published),
    close: async () => {
      try {
        if (!failure) await waitForAck(published);
      } finally {
        await producer.disconnect();
      }
    },
    stats: () => ({ published, acknowledged, requests }),
  };
}

/** Creates and connects an idempotent producer (retrying until `kafka.connectTimeout`) and wraps it. */
export async function openPublisher(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  options: PublisherOptions,
): Promise<Publisher> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // Topics are created on purpose by ensureTopics, with the configured partitions; a typo must not create one.
    allowAutoTopicCreation: false,
    createPartitioner: cachingPartitioner,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  await connectKafka(producer, config, logger, options.signal);
  return createPublisher(producer, config, options, logger);
}
