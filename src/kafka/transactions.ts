/**
 * Kafka transactions for `kafka.processingGuarantee: exactly-once`: the messages of one checkpoint
 * round and the consumed offsets they stand for are committed together or not at all, so a
 * read_committed reader sees each message once whatever crashes in between.
 *
 * A round that fails is sent again whole from a fresh producer with the same transactional id:
 * initialising that id aborts whatever the broker still holds open of the failed attempt, so
 * nothing of it becomes visible. The id is unique per process: a process killed mid-transaction
 * leaves it open until the broker's transaction timeout aborts it, and read_committed readers of
 * the partitions it touched wait that long (at most TRANSACTION_TIMEOUT_MS plus the broker's
 * cleanup interval, 10 s by default) before they see anything written after it.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { ConnectError, errorMessage } from '../errors.ts';
import type { Logger } from '../ui/logger.ts';
import { backoffDelay, sleep } from '../util/retry.ts';
import { cachingPartitioner } from './partitioner.ts';
import { causeChain, messageBytes, produceRequest, type OutgoingMessage } from './publisher.ts';
import { connectKafka } from './topics.ts';

/** Longer than any healthy round (a few produce requests and a commit); a round cut off by it is sent again. */
export const TRANSACTION_TIMEOUT_MS = 20_000;
const MAX_REQUEST_MESSAGES = 2_000;
/** Under the broker's 1 MiB record batch limit, as in publisher.ts. */
const MAX_REQUEST_BYTES = 900_000;
const MAX_RETRY_MS = 10_000;

/** Errors that no new attempt fixes: permissions, and messages the broker will never take. */
const FATAL_TYPES = new Set([
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_TRANSACTION_TIMEOUT',
]);

export interface TransactionOffsets {
  groupId: string;
  topic: string;
  /** The next offset to read, per partition. */
  partitions: Array<{ partition: number; offset: number }>;
}

export interface Transactor {
  /** Writes `messages` and commits `offsets` in one transaction, trying again until it commits or the signal aborts. */
  commit(messages: readonly OutgoingMessage[], offsets: TransactionOffsets): Promise<void>;
  close(): Promise<void>;
}

export interface TransactorOptions {
  /** Names the transactional id (a unique suffix is added). */
  name: string;
  /** Aborting ends the retries; `commit` then throws. */
  signal: AbortSignal;
}

/** Produce requests of at most MAX_REQUEST_MESSAGES messages and MAX_REQUEST_BYTES bytes (a larger message goes alone). */
function requests(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const out: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (current.length > 0 && (current.length >= MAX_REQUEST_MESSAGES || bytes + size > MAX_REQUEST_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** The first Kafka protocol error type in the cause chain. */
function errorType(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  }
  return undefined;
}

export async function openTransactor(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  options: TransactorOptions,
): Promise<Transactor> {
  const transactionalId = `${options.name}:${randomUUID()}`;
  const compression = config.kafka.compression;
  const brokers = config.kafka.brokers.join(', ');
  const newProducer = (): Producer =>
    kafka.producer({
      transactionalId,
      transactionTimeout: TRANSACTION_TIMEOUT_MS,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: cachingPartitioner,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  let producer = newProducer();
  await connectKafka(producer, config, logger, options.signal);

  const once = async (messages: readonly OutgoingMessage[], offsets: TransactionOffsets) => {
    const transaction = await producer.transaction();
    try {
      for (const request of requests(messages))
        await transaction.sendBatch(produceRequest(request, offsets.topic, compression));
      if (offsets.partitions.length > 0) {
        await transaction.sendOffsets({
          consumerGroupId: offsets.groupId,
          topics: [
            {
              topic: offsets.topic,
              partitions: offsets.partitions.map(({ partition, offset }) => ({ partition, offset: String(offset) })),
            },
          ],
        });
      }
      await transaction.commit();
    } catch (error) {
      if (transaction.isActive()) await transaction.abort().catch(() => {});
      throw error;
    }
  };

  return {
    async commit(messages, offsets) {
      for (let attempt = 0; ; attempt++) {
        try {
          await once(messages, offsets);
          if (attempt > 0)
            logger.info(
              `Kafka at ${brokers}: checkpoint transaction committed after ${attempt} retr${attempt === 1 ? 'y' : 'ies'}`,
            );
          return;
        } catch (error) {
          const type = errorType(error);
          if (options.signal.aborted || (type !== undefined && FATAL_TYPES.has(type))) {
            throw new ConnectError('Kafka', `checkpoint transaction on ${brokers} failed: ${errorMessage(error)}`, {
              hint: 'nothing of it is visible to read_committed readers; the next start resumes from the last committed checkpoint',
              cause: error,
            });
          }
          const delay = backoffDelay(attempt, { initialMs: 500, maxMs: MAX_RETRY_MS });
          logger.warn(
            `Kafka at ${brokers}: checkpoint transaction failed (${errorMessage(error)}); sending it again in ${Math.round(delay)}ms`,
          );
          await producer.disconnect().catch(() => {});
          await sleep(delay, options.signal);
          producer = newProducer();
          if (!options.signal.aborted) await connectKafka(producer, config, logger, options.signal).catch(() => {});
        }
      }
    },
    close: () => producer.disconnect().catch(() => {}),
  };
}
