/**
 * Where a topic's partitions start and end, and which offset a point in time falls on: what
 * `tail`, `status` and `dlq` turn flags into offset ranges with. Ends are read_committed (the last
 * stable offset), the same view the range reader reads with.
 */
import type { Admin } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { missingTopicError } from './topics.ts';

export interface PartitionOffsets {
  partition: number;
  /** Oldest offset still in the log. */
  low: number;
  /** Offset the next committed record gets. */
  high: number;
}

/** Low and high offsets per partition, sorted by partition; a missing topic is a clear error. */
export async function topicOffsets(admin: Admin, config: Config, topic: string): Promise<PartitionOffsets[]> {
  const existing = await admin.listTopics();
  if (!existing.includes(topic)) throw missingTopicError(topic, existing, config.kafka.brokers);
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) }))
    .sort((a, b) => a.partition - b.partition);
}

/** Per partition, the first offset whose record timestamp is at or after `time` (the high offset when none is). */
export async function offsetsAtTime(admin: Admin, topic: string, time: number): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, time);
  return new Map(offsets.map(({ partition, offset }) => [partition, Number(offset)]));
}

/** Records written to the topic since `time` (all partitions), from the offsets alone. */
export async function countSince(
  admin: Admin,
  offsets: PartitionOffsets[],
  topic: string,
  time: number,
): Promise<number> {
  const at = await offsetsAtTime(admin, topic, time);
  return offsets.reduce((sum, p) => sum + Math.max(0, p.high - Math.max(p.low, at.get(p.partition) ?? p.high)), 0);
}
