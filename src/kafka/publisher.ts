/**
 * The one Kafka producer of StockStream (produce, info sync, the consume `kafka` sink and DLQ):
 * idempotent, acks=all, gzip, keyed messages.
 *
 * `publish` only buffers; one background loop sends whatever accumulated while the previous request
 * was in flight, so batches grow with the load without a linger timer, and an idempotent producer
 * (one request in flight) keeps per-partition order. A full buffer makes `publish` wait: that is the
 * backpressure a source feels through its `emit`. `flush` resolves once everything published so far
 * is acknowledged by all in-sync replicas; `send` is publish + wait for those very messages.
 */
import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { ConnectError, errorMessage } from '../errors.ts';
import { encodeTick, SCHEMA_VERSION, type Tick } from '../model.ts';
import type { Logger } from '../ui/logger.ts';
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
  /** Messages held in memory before `publish` waits (default 100,000). */
  maxBufferedMessages?: number;
  signal?: AbortSignal;
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

interface AckWaiter {
  target: number;
  resolve(): void;
  reject(error: Error): void;
}

/** Wraps a connected kafkajs producer; `openPublisher` is the usual way in. */
export function createPublisher(producer: Producer, config: Config, options: PublisherOptions): Publisher {
  const maxBatch = options.maxBatchMessages ?? 2_000;
  const maxBuffered = options.maxBufferedMessages ?? 100_000;
  const chunks: OutgoingMessage[][] = [];
  let buffered = 0;
  let published = 0;
  let acknowledged = 0;
  let requests = 0;
  let failure: Error | undefined;
  let draining: Promise<void> | undefined;
  let ackWaiters: AckWaiter[] = [];
  let spaceWaiters: Array<() => void> = [];

  const takeBatch = (): OutgoingMessage[] => {
    const batch: OutgoingMessage[] = [];
    while (chunks.length > 0 && batch.length < maxBatch) {
      const chunk = chunks[0]!;
      const room = maxBatch - batch.length;
      if (chunk.length <= room) {
        batch.push(...chunk);
        chunks.shift();
      } else {
        batch.push(...chunk.splice(0, room));
      }
    }
    buffered -= batch.length;
    return batch;
  };

  const settle = () => {
    const still: AckWaiter[] = [];
    for (const waiter of ackWaiters) {
      if (failure) waiter.reject(failure);
      else if (acknowledged >= waiter.target) waiter.resolve();
      else still.push(waiter);
    }
    ackWaiters = still;
    const waiting = spaceWaiters;
    spaceWaiters = [];
    for (const wake of waiting) wake();
  };

  const sendBatch = async (batch: OutgoingMessage[]) => {
    const byTopic = new Map<string, Message[]>();
    for (const message of batch) {
      const topic = message.topic ?? options.topic;
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      // No Kafka timestamp from event time on purpose: backfilled ticks weeks old would fall behind
      // the topic's retention and be deleted on arrival.
      list.push({ key: message.key, value: message.value, headers: message.headers });
    }
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.GZIP,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  };

  const drain = async () => {
    while (chunks.length > 0 && !failure) {
      const batch = takeBatch();
      settle(); // room in the buffer again
      try {
        await sendBatch(batch);
        requests += 1;
        acknowledged += batch.length;
      } catch (error) {
        failure = new ConnectError('Kafka', `publishing to ${config.kafka.brokers.join(', ')} failed: ${errorMessage(error)}`, {
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

  const waitForAck = (target: number) =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      if (acknowledged >= target) return resolve();
      ackWaiters.push({ target, resolve, reject });
    });

  const publish = async (messages: OutgoingMessage[]) => {
    while (!failure && buffered >= maxBuffered) await waitForSpace();
    if (failure) throw failure;
    if (messages.length === 0) return;
    chunks.push(messages.slice());
    buffered += messages.length;
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
export async function openPublisher(kafka: Kafka, config: Config, logger: Logger, options: PublisherOptions): Promise<Publisher> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // Topics are created on purpose by ensureTopics, with the configured partitions; a typo must not create one.
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  await connectKafka(producer, config, logger, options.signal);
  return createPublisher(producer, config, options);
}
