/** Topic administration shared by produce, consume and info sync: create what is missing, never alter. */
import type { Admin, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { ConnectError, errorMessage, InterruptedError, StockstreamError } from '../errors.ts';
import type { Logger } from '../ui/logger.ts';
import { closestFirst } from '../util/closest.ts';
import { retry, sleep } from '../util/retry.ts';
import { brokersRefuse, REFUSED_GRACE_MS } from './probe.ts';

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** Keep only the latest value per key (stock info, window state). */
  compacted?: boolean;
  /**
   * A topic this command reads and another one writes (consume's prices topic, written by
   * `produce`): when missing it is a mistyped name far more often than a topic to create, so the
   * command stops instead of creating it and waiting forever.
   */
  mustExist?: boolean;
}

export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** A login the broker refused, or SASL against a listener without it: waiting does not help. */
function isSaslFailure(error: unknown): boolean {
  return (error as { name?: unknown }).name === 'KafkaJSSASLAuthenticationError' || /SASL/.test(errorMessage(error));
}

const START_KAFKA =
  'start Kafka (`docker compose up -d kafka` or `scripts/services up`), or point kafka.brokers / KAFKA_BROKERS at it';

export function kafkaUnreachable(config: Config, error: unknown): ConnectError {
  const brokers = config.kafka.brokers.join(', ');
  if (error instanceof BrokersRefused) {
    return new ConnectError('Kafka', `cannot reach ${brokers} (connection refused: nothing listens there)`, {
      hint: START_KAFKA,
      cause: error,
    });
  }
  if (isSaslFailure(error)) {
    return new ConnectError('Kafka', `${brokers} refused the SASL login (${errorMessage(error)})`, {
      hint: 'check kafka.sasl (mechanism, username, password) and kafka.ssl against the broker listener; leave kafka.sasl out for a broker without SASL',
      cause: error,
    });
  }
  return new ConnectError(
    'Kafka',
    `cannot reach ${brokers} within ${config.kafka.connectTimeout.text} (${errorMessage(error)})`,
    {
      hint: START_KAFKA,
      cause: error,
    },
  );
}

class BrokersRefused extends Error {}

/** Rejects when `ms` passed first, or at once when the signal aborts; the caller cleans up what is still running. */
function within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), Math.max(1, ms));
    onAbort = () => reject(new InterruptedError());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  });
}

/**
 * Connects something kafkajs-shaped, retrying with backoff until `kafka.connectTimeout`. kafkajs
 * retries inside `connect()` too (about 10 s with its defaults), so each attempt is cut off at the
 * time left: `--connect-timeout 2s` gives up after 2 s, not 12.
 */
export async function connectKafka(
  client: { connect(): Promise<void>; disconnect(): Promise<void> },
  config: Config,
  logger: Logger,
  signal?: AbortSignal,
): Promise<void> {
  const deadlineMs = config.kafka.connectTimeout.ms;
  const deadline = Date.now() + deadlineMs;
  try {
    if (await brokersRefuse(config.kafka.brokers, Math.min(REFUSED_GRACE_MS, deadlineMs), signal))
      throw new BrokersRefused('connection refused');
    if (signal?.aborted) throw new InterruptedError();
    await retry(() => within(client.connect(), deadline - Date.now(), signal), {
      deadlineMs,
      signal,
      initialMs: 500,
      maxMs: 5_000,
      retryable: (error) => !isSaslFailure(error) && !(error instanceof InterruptedError),
      onRetry: (error, attempt) =>
        logger.warn(
          `Kafka at ${config.kafka.brokers.join(', ')} not reachable (${errorMessage(error)}); retry ${attempt}`,
        ),
    });
  } catch (error) {
    // Interrupted: the user wants out now, so the disconnect is not waited for.
    const disconnected = client.disconnect().catch(() => undefined);
    if (error instanceof InterruptedError || signal?.aborted) throw new InterruptedError();
    await disconnected;
    throw kafkaUnreachable(config, error);
  }
}

/** Topics users see: not Kafka's own (`__consumer_offsets`) nor the dead-letter topics. */
function userTopics(topics: string[]): string[] {
  return topics.filter((topic) => !topic.startsWith('_') && !topic.endsWith('.dlq'));
}

export function missingTopicError(topic: string, existing: string[], brokers: string[]): StockstreamError {
  const shown = closestFirst(topic, userTopics(existing)).slice(0, 5);
  const found = shown.length === 0 ? 'it has no topics yet' : `existing topics, closest first: ${shown.join(', ')}`;
  return new StockstreamError(`topic ${topic} does not exist on ${brokers.join(', ')} (${found})`, {
    hint: `check --topic / kafka.topics.prices for a typo; \`stockstream produce --topic ${topic}\` creates it`,
  });
}

/** Creates the topics that do not exist yet with the configured partitions; existing ones are left as they are. */
const LEADERS_TIMEOUT_MS = 30_000;
const LEADERS_POLL_MS = 100;

/**
 * Waits until every partition of `topics` has a leader. createTopics' own wait is skipped when
 * another client created one of them first: `produce` and `consume` started together both create
 * `<topic>.dlq`, and the one that loses gets TOPIC_ALREADY_EXISTS for it, which kafkajs takes as
 * "done" — also for the state topic it did create in the same request, which then answered
 * UNKNOWN_TOPIC_OR_PARTITION to the first write (seen once in frozen.test.ts).
 */
async function hasLeaders(admin: Admin, topics: string[]): Promise<boolean> {
  return admin.fetchTopicMetadata({ topics }).then(
    ({ topics: found }) =>
      found.length === topics.length &&
      found.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0)),
    () => false, // a topic this broker does not know yet
  );
}

/**
 * Metadata may name a leader before that broker has taken the partition on, and a write in that
 * moment gets NOT_LEADER_OR_FOLLOWER ("This server is not the leader for that topic-partition",
 * seen in CI runs right after consume created its DLQ). ListOffsets is answered by the leader
 * itself, so once it succeeds for every partition a first write goes through.
 */
async function leadersServe(admin: Admin, topics: string[]): Promise<boolean> {
  for (const topic of topics) {
    const served = await admin.fetchTopicOffsets(topic).then(
      () => true,
      () => false,
    );
    if (!served) return false;
  }
  return true;
}

async function waitForLeaders(admin: Admin, topics: string[], signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (;;) {
    const ready = (await hasLeaders(admin, topics)) && (await leadersServe(admin, topics));
    if (ready || signal?.aborted) return;
    if (Date.now() > deadline)
      throw new ConnectError(
        'Kafka',
        `topic(s) ${topics.join(', ')} were created but not every partition has a leader after ${LEADERS_TIMEOUT_MS / 1_000} s`,
        { hint: 'check the broker log (`stockstream doctor`)' },
      );
    await sleep(LEADERS_POLL_MS, signal);
  }
}

export async function ensureTopics(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  specs: TopicSpec[],
  signal?: AbortSignal,
): Promise<void> {
  const admin = kafka.admin();
  await connectKafka(admin, config, logger, signal);
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    const absentInput = missing.find((spec) => spec.mustExist);
    if (absentInput) throw missingTopicError(absentInput.topic, [...existing], config.kafka.brokers);
    if (missing.length === 0) return;
    const create = () =>
      admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions ?? config.kafka.partitions,
          replicationFactor: config.kafka.replicationFactor,
          configEntries: spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
      });
    // Right after creating a topic, Kafka (KRaft) may briefly answer metadata requests for it with
    // UNKNOWN_TOPIC_OR_PARTITION, which kafkajs' waitForLeaders does not wait out; another try
    // (creating an existing topic is a no-op) finds it there.
    await retry(create, {
      signal,
      deadlineMs: 30_000,
      initialMs: 200,
      retryable: (error) => (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    await waitForLeaders(
      admin,
      missing.map((spec) => spec.topic),
      signal,
    );
    for (const spec of missing)
      logger.info(`created topic ${spec.topic}`, { partitions: spec.partitions ?? config.kafka.partitions });
  } finally {
    await admin.disconnect();
  }
}
