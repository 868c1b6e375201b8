/**
 * `tail`: the records of one topic in a range, filtered by key and partition, read without any
 * consumer group of ours (src/kafka/range-reader.ts).
 *
 * Where it starts: `--from-beginning`, `--since`, `--offset`; otherwise at the end when following
 * (only new records, like kcat -o end) and at the beginning when not (what is there, like kcat -e).
 * Where it ends: never when following (Ctrl-C), after `--count` matching records, else at the end
 * offsets read when it started.
 */
import type { Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { topicOffsets, offsetsAtTime, type PartitionOffsets } from '../kafka/offsets.ts';
import { readRanges, type TopicRanges } from '../kafka/range-reader.ts';
import { connectKafka } from '../kafka/topics.ts';
import type { Logger } from '../ui/logger.ts';
import { toTailRecord, type TailRecord, type TailTarget } from './records.ts';

export type TailStart =
  { at: 'beginning' } | { at: 'end' } | { at: 'time'; time: number } | { at: 'offset'; offset: number };

export interface TailRequest {
  target: TailTarget;
  start: TailStart;
  follow: boolean;
  /** Stop after this many matching records. */
  count?: number;
  /** Only records with one of these keys. */
  keys?: ReadonlySet<string>;
  /** Only these partitions (all when undefined). */
  partitions?: readonly number[];
}

function clamp(offset: number, { low, high }: PartitionOffsets): number {
  return Math.min(Math.max(offset, low), high);
}

/** The offset range of each chosen partition for a request, from the topic's current offsets. */
export function rangesFor(
  request: TailRequest,
  offsets: PartitionOffsets[],
  atTime?: Map<number, number>,
): TopicRanges {
  const known = new Set(offsets.map((p) => p.partition));
  for (const partition of request.partitions ?? []) {
    if (!known.has(partition)) {
      throw new UsageError(
        `--partition ${partition}: topic ${request.target.topic} has partitions 0–${offsets.length - 1}`,
        `pass one of them, like --partition 0`,
      );
    }
  }
  const chosen = request.partitions ? offsets.filter((p) => request.partitions!.includes(p.partition)) : offsets;
  const start = request.start;
  return {
    topic: request.target.topic,
    partitions: chosen.map((p) => {
      const from =
        start.at === 'beginning'
          ? p.low
          : start.at === 'end'
            ? p.high
            : start.at === 'time'
              ? clamp(atTime?.get(p.partition) ?? p.high, p)
              : clamp(start.offset < 0 ? p.high + start.offset : start.offset, p);
      return { partition: p.partition, from, to: request.follow ? undefined : p.high };
    }),
  };
}

/** Reads the request's records and hands each matching one to `emit`; resolves with how many matched. */
export async function runTail(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  request: TailRequest,
  emit: (record: TailRecord, bytes: Buffer | null) => void,
  signal?: AbortSignal,
): Promise<number> {
  const admin = kafka.admin();
  let ranges: TopicRanges;
  await connectKafka(admin, config, logger, signal);
  try {
    const offsets = await topicOffsets(admin, config, request.target.topic);
    const atTime =
      request.start.at === 'time' ? await offsetsAtTime(admin, request.target.topic, request.start.time) : undefined;
    ranges = rangesFor(request, offsets, atTime);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (request.count === 0) return 0;
  let matched = 0;
  await readRanges(kafka, config, logger, [ranges], {
    signal,
    onMessage: ({ topic, partition, message }) => {
      const key = message.key?.toString('utf8');
      if (request.keys && (key === undefined || !request.keys.has(key))) return true;
      emit(toTailRecord(request.target.kind, topic, partition, message), message.value);
      matched += 1;
      return request.count === undefined || matched < request.count;
    },
  });
  return matched;
}
