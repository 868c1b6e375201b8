/**
 * Reads chosen offset ranges of chosen partitions without touching any real consumer group: the
 * reader behind `tail`, `status` and `dlq`.
 *
 * kafkajs has no `assign()`. Its only public way to fetch is a group consumer, so this one joins a
 * throwaway group of its own (`<clientId>-reader-<random>`, a single member) that never commits:
 * autoCommit is off and nothing calls commitOffsets, so the broker keeps no offsets for it. An
 * empty group without offsets still stays listed until the broker's offsets-retention check
 * (every 10 minutes on a stock broker), so the reader deletes its group when done: `status
 * --watch` reads every few seconds and would leave a group behind each time. Its partition assigner hands the one member exactly the partitions asked
 * for, and each starts at the asked offset by a seek before the first fetch. The alternative —
 * kafkajs' private cluster and Broker.fetch plus its Batch class for aborted transactions — would
 * give the same fetches without the JoinGroup round, but through three unexported, untyped
 * internals; the public consumer keeps fetch, decompression, transaction filtering and leader
 * changes in kafkajs' hands. The cost is one JoinGroup/SyncGroup round at start (plus the broker's
 * group.initial.rebalance.delay.ms, 3 s on a stock broker).
 *
 * Records are read with read_committed: an aborted transaction's records never show.
 */
import { randomBytes } from 'node:crypto';
import { AssignerProtocol, type Consumer, type Kafka, type KafkaMessage, type PartitionAssigner } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../ui/logger.ts';
import { connectKafka } from './topics.ts';

export interface PartitionRange {
  partition: number;
  /** First offset to read. */
  from: number;
  /** Offset to stop before; undefined reads on until stopped (follow). */
  to?: number;
}

export interface TopicRanges {
  topic: string;
  partitions: PartitionRange[];
}

export interface ReadMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called in offset order per partition; return false to stop the whole read. */
  onMessage(read: ReadMessage): boolean | void | Promise<boolean | void>;
}

/** Assigns the group's one member exactly the chosen partitions of each topic. */
function fixedAssigner(ranges: TopicRanges[]): PartitionAssigner {
  const assignment = Object.fromEntries(ranges.map((r) => [r.topic, r.partitions.map((p) => p.partition)]));
  return () => ({
    name: 'StockstreamFixed',
    version: 1,
    async assign({ members }) {
      return members.map(({ memberId }, index) => ({
        memberId,
        // A second member can only be another reader that guessed our random group id: it gets nothing.
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: index === 0 ? assignment : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: 'StockstreamFixed',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
}

function rangeKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * Reads every record of the ranges (ranges with `from >= to` are skipped) and resolves when each
 * bounded range is read to its end, when `onMessage` returns false, or when the signal fires.
 * With an unbounded range it runs until one of the latter two.
 */
export async function readRanges(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  ranges: TopicRanges[],
  options: ReadOptions,
): Promise<void> {
  const wanted = ranges
    .map((r) => ({ topic: r.topic, partitions: r.partitions.filter((p) => p.to === undefined || p.from < p.to) }))
    .filter((r) => r.partitions.length > 0);
  if (wanted.length === 0 || options.signal?.aborted) return;

  const ends = new Map<string, number | undefined>();
  for (const r of wanted) for (const p of r.partitions) ends.set(rangeKey(r.topic, p.partition), p.to);
  const open = new Set([...ends].filter(([, to]) => to !== undefined).map(([key]) => key));
  const following = [...ends.values()].some((to) => to === undefined);

  let finish: () => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  let stopped = false;
  const stop = () => {
    stopped = true;
    finish();
  };
  const markRead = (topic: string, partition: number, lastOffset: number) => {
    const key = rangeKey(topic, partition);
    const to = ends.get(key);
    if (to !== undefined && lastOffset + 1 >= to && open.delete(key) && open.size === 0 && !following) stop();
  };

  const groupId = `${config.kafka.clientId}-reader-${randomBytes(6).toString('hex')}`;
  const consumer: Consumer = kafka.consumer({
    groupId,
    partitionAssigners: [fixedAssigner(wanted)],
    allowAutoTopicCreation: false,
    readUncommitted: false,
    maxWaitTimeInMs: 250,
  });
  // Batches of only control records or aborted records never reach eachBatch; this event sees
  // every batch, so a range ending in a transaction marker still ends.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.lastOffset !== null && payload.lastOffset !== undefined)
      markRead(payload.topic, payload.partition, Number(payload.lastOffset));
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) fail(payload.error);
  });
  const onAbort = () => stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await connectKafka(consumer, config, logger, options.signal);
    await consumer.subscribe({ topics: wanted.map((r) => r.topic), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, isRunning }) => {
        const to = ends.get(rangeKey(batch.topic, batch.partition));
        for (const message of batch.messages) {
          if (stopped || !isRunning()) return;
          if (to !== undefined && Number(message.offset) >= to) return;
          const more = await options.onMessage({ topic: batch.topic, partition: batch.partition, message });
          if (more === false) {
            stop();
            return;
          }
        }
      },
    });
    for (const r of wanted)
      for (const p of r.partitions) consumer.seek({ topic: r.topic, partition: p.partition, offset: String(p.from) });
    await finished;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stopped = true;
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
}

/** How long deleting the reader's group may hold up the end of a read (Kafka may be away). */
const DELETE_GROUP_MS = 2_000;

/**
 * Deletes the reader's own group once it left it (DeleteGroups takes only an empty group). Best
 * effort within DELETE_GROUP_MS: a group left behind costs a list entry, never a read.
 */
async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  const deleted = (async () => {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  })().catch(() => undefined);
  await Promise.race([deleted, new Promise((resolve) => (timer = setTimeout(resolve, DELETE_GROUP_MS)))]);
  clearTimeout(timer);
  await admin.disconnect().catch(() => undefined);
}
