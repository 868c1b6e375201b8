/**
 * The facts `status` judges, read in one pass: offsets and group state from the Kafka admin API,
 * and the few records that say more than offsets can (the oldest record a lagging partition still
 * waits with, the latest dead letters, the group's latest checkpoint in the state topic) through one
 * range read; the newest bar per interval from InfluxDB.
 */
import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { deadLetterOrigin } from '../dlq/read.ts';
import { errorMessage } from '../errors.ts';
import { countSince, topicOffsets, type PartitionOffsets } from '../kafka/offsets.ts';
import { readRanges, type TopicRanges } from '../kafka/range-reader.ts';
import { connectKafka, dlqTopic } from '../kafka/topics.ts';
import type { Logger } from '../ui/logger.ts';
import { newestBars, type NewestBar } from './influx.ts';

/** Records read back from the end of the DLQ and state topics, per partition. */
const RECENT_RECORDS = 20;
/** Records read at a lagging partition's committed offset to find the first one still waiting (markers have none). */
const WAITING_PROBE = 10;

export interface GroupPartition {
  partition: number;
  /** Null when the group never committed this partition. */
  committed: number | null;
  end: number;
  lag: number;
  /** Timestamp of the oldest record the group has not committed yet. */
  oldestWaitingAt?: number;
}

export interface StatusFacts {
  at: number;
  prices: { topic: string; exists: boolean; partitions: number; messages: number; lastMinute: number };
  group: {
    id: string;
    state: string;
    members: Array<{ clientId: string; host: string; partitions: number[] }>;
    partitions: GroupPartition[];
    totalLag: number;
    /** The `at` of the group's newest checkpoint record: offsets are committed right after it. */
    lastCommitAt?: number;
  };
  dlq: {
    topic: string;
    count: number;
    lastMinute: number;
    lastByStage: Array<{ stage: string; reason: string; at: number }>;
  };
  state: { topic: string; exists: boolean; records: number; lastWriteAt?: number };
  /** Undefined when the influx sink is not enabled. */
  bars?: NewestBar[] | { error: string };
}

async function offsetsIfExists(
  admin: Admin,
  config: Config,
  topic: string,
  existing: string[],
): Promise<PartitionOffsets[] | undefined> {
  return existing.includes(topic) ? topicOffsets(admin, config, topic) : undefined;
}

function tail(topic: string, offsets: PartitionOffsets[] | undefined): TopicRanges[] {
  if (!offsets) return [];
  return [
    {
      topic,
      partitions: offsets.map((p) => ({
        partition: p.partition,
        from: Math.max(p.low, p.high - RECENT_RECORDS),
        to: p.high,
      })),
    },
  ];
}

function assignedPartitions(assignment: Buffer, topic: string): number[] {
  try {
    return [...(AssignerProtocol.MemberAssignment.decode(assignment)?.assignment[topic] ?? [])].sort((a, b) => a - b);
  } catch {
    return [];
  }
}

export async function gatherStatus(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  signal?: AbortSignal,
): Promise<StatusFacts> {
  const at = Date.now();
  const { prices: pricesTopic, state: stateTopic } = config.kafka.topics;
  const dlq = dlqTopic(pricesTopic);
  const groupId = config.kafka.groupId;
  const admin = kafka.admin();
  await connectKafka(admin, config, logger, signal);
  let facts: StatusFacts;
  const reads: TopicRanges[] = [];
  try {
    const existing = await admin.listTopics();
    const [prices, dlqOffsets, stateOffsets] = await Promise.all(
      [pricesTopic, dlq, stateTopic].map((topic) => offsetsIfExists(admin, config, topic, existing)),
    );
    const [description] = (await admin.describeGroups([groupId])).groups;
    const committed = prices
      ? ((await admin.fetchOffsets({ groupId, topics: [pricesTopic] }))[0]?.partitions ?? [])
      : [];
    const minuteAgo = at - 60_000;
    const partitions: GroupPartition[] = (prices ?? []).map((p) => {
      const offset = Number(committed.find((c) => c.partition === p.partition)?.offset ?? -1);
      const from = offset >= 0 ? offset : p.low;
      return {
        partition: p.partition,
        committed: offset >= 0 ? offset : null,
        end: p.high,
        lag: Math.max(0, p.high - from),
      };
    });
    facts = {
      at,
      prices: {
        topic: pricesTopic,
        exists: prices !== undefined,
        partitions: prices?.length ?? 0,
        messages: (prices ?? []).reduce((sum, p) => sum + p.high - p.low, 0),
        lastMinute: prices ? await countSince(admin, prices, pricesTopic, minuteAgo) : 0,
      },
      group: {
        id: groupId,
        state: description?.state ?? 'Dead',
        members: (description?.members ?? []).map((m) => ({
          clientId: m.clientId,
          host: m.clientHost,
          partitions: assignedPartitions(m.memberAssignment, pricesTopic),
        })),
        partitions,
        totalLag: partitions.reduce((sum, p) => sum + p.lag, 0),
      },
      dlq: {
        topic: dlq,
        count: (dlqOffsets ?? []).reduce((sum, p) => sum + p.high - p.low, 0),
        lastMinute: dlqOffsets ? await countSince(admin, dlqOffsets, dlq, minuteAgo) : 0,
        lastByStage: [],
      },
      state: {
        topic: stateTopic,
        exists: stateOffsets !== undefined,
        records: (stateOffsets ?? []).reduce((sum, p) => sum + p.high - p.low, 0),
      },
    };
    const lagging = partitions.filter((p) => p.lag > 0);
    if (lagging.length > 0) {
      reads.push({
        topic: pricesTopic,
        partitions: lagging.map((p) => ({
          partition: p.partition,
          from: p.end - p.lag,
          to: Math.min(p.end, p.end - p.lag + WAITING_PROBE),
        })),
      });
    }
    reads.push(...tail(dlq, dlqOffsets), ...tail(stateTopic, stateOffsets));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }

  const byStage = new Map<string, { stage: string; reason: string; at: number }>();
  const checkpointPrefix = `${groupId}:${pricesTopic}:`;
  await readRanges(kafka, config, logger, reads, {
    signal,
    onMessage: ({ topic, partition, message }) => {
      const time = Number(message.timestamp);
      if (topic === pricesTopic) {
        const waiting = facts.group.partitions.find((p) => p.partition === partition)!;
        waiting.oldestWaitingAt ??= time;
      } else if (topic === dlq) {
        const origin = deadLetterOrigin(message.headers);
        const stage = origin.stage ?? '?';
        if ((byStage.get(stage)?.at ?? -Infinity) <= time)
          byStage.set(stage, { stage, reason: origin.reason ?? '', at: time });
      } else {
        facts.state.lastWriteAt = Math.max(facts.state.lastWriteAt ?? 0, time);
        const key = message.key?.toString('utf8') ?? '';
        // A checkpoint's key is the partition prefix itself (src/consume/changelog.ts); symbol records add `:<symbol>`.
        if (key.startsWith(checkpointPrefix) && /^\d+$/.test(key.slice(checkpointPrefix.length))) {
          facts.group.lastCommitAt = Math.max(facts.group.lastCommitAt ?? 0, time);
        }
      }
    },
  });
  facts.dlq.lastByStage = [...byStage.values()].sort((a, b) => b.at - a.at);
  if (config.sinks.enabled.includes('influx')) {
    facts.bars = await newestBars(config).catch((error: unknown) => ({ error: errorMessage(error).split('\n')[0]! }));
  }
  return facts;
}
