/**
 * Reading a dead-letter topic for `dlq list|show|redrive`: which topic (`--of`), and every dead
 * letter in it since a time, optionally of one stage, in offset order per partition.
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { offsetsAtTime, topicOffsets } from '../kafka/offsets.ts';
import { readRanges } from '../kafka/range-reader.ts';
import { connectKafka, dlqTopic } from '../kafka/topics.ts';
import type { Logger } from '../ui/logger.ts';
import { deadLetterOrigin, type DeadLetterOrigin } from './read.ts';

export interface DeadLetterRecord {
  /** Where the dead letter itself is. */
  partition: number;
  offset: string;
  timestamp: number;
  origin: DeadLetterOrigin;
  message: KafkaMessage;
}

export interface DlqSelection {
  /** The dead-letter topic. */
  topic: string;
  stage?: string;
  /** Only dead letters written at or after this time (epoch ms). */
  since?: number;
}

/** `--of prices` (default), `--of info`, or a topic name (with or without its `.dlq`). */
export function resolveDlq(config: Config, of = 'prices'): { topic: string; source: string } {
  const topics = config.kafka.topics;
  const source =
    of === 'prices'
      ? topics.prices
      : of === 'info'
        ? topics.info
        : of.endsWith('.dlq')
          ? of.slice(0, -'.dlq'.length)
          : of;
  return { topic: dlqTopic(source), source };
}

/**
 * Hands each chosen dead letter to `each` (return false to stop). The end is the topic's end when
 * the scan started, so a consumer writing more meanwhile does not keep it running.
 */
export async function scanDeadLetters(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  selection: DlqSelection,
  each: (letter: DeadLetterRecord) => boolean | void,
  signal?: AbortSignal,
): Promise<void> {
  const admin = kafka.admin();
  await connectKafka(admin, config, logger, signal);
  let partitions;
  try {
    const offsets = await topicOffsets(admin, config, selection.topic);
    const since =
      selection.since === undefined ? undefined : await offsetsAtTime(admin, selection.topic, selection.since);
    partitions = offsets.map((p) => ({
      partition: p.partition,
      from: Math.max(p.low, since?.get(p.partition) ?? p.low),
      to: p.high,
    }));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  await readRanges(kafka, config, logger, [{ topic: selection.topic, partitions }], {
    signal,
    onMessage: ({ partition, message }) => {
      const origin = deadLetterOrigin(message.headers);
      if (selection.stage !== undefined && origin.stage !== selection.stage) return true;
      return each({ partition, offset: message.offset, timestamp: Number(message.timestamp), origin, message });
    },
  });
}
