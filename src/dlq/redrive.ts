/**
 * `dlq redrive`: the original key, bytes and headers of chosen dead letters back onto a topic (the
 * one they came from by default), once each.
 *
 * Once by original offset: the dead letter's `original.topic/partition/offset` (with the target)
 * is the key of a record in a compacted ledger topic, `<dlq>.redriven`. Each batch is sent to the
 * target and its ledger records are written in one Kafka transaction, so a redrive that crashes
 * half way either sent a message and remembered it or did neither; the next run skips what the
 * ledger holds. The same original dead-lettered twice (at-least-once before a crash) is sent once.
 * The transactional id is per dead-letter topic, so a second redrive running at the same time
 * fences the first instead of sending alongside it.
 */
import type { IHeaders, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { DLQ_HEADERS } from '../consume/dead-letter.ts';
import { topicOffsets } from '../kafka/offsets.ts';
import { readRanges } from '../kafka/range-reader.ts';
import { connectKafka, ensureTopics } from '../kafka/topics.ts';
import type { Logger } from '../ui/logger.ts';
import type { DeadLetterRecord } from './scan.ts';

/** The header a redriven message carries: the dead letter it was made from, `<dlq topic>/<partition>@<offset>`. */
export const REDRIVEN_FROM = 'redriven-from';

const BATCH = 500;

export function ledgerTopic(dlq: string): string {
  return `${dlq}.redriven`;
}

/** What identifies a message across runs: the target and where the original was before it was dead-lettered. */
export function redriveKey(target: string, dlq: string, letter: DeadLetterRecord): string {
  const { topic, partition, offset } = letter.origin;
  // A dead letter without its origin headers is known only by its own place.
  if (topic === null || partition === null || offset === null)
    return `${target}|${dlq}|${letter.partition}|${letter.offset}`;
  return `${target}|${topic}|${partition}|${offset}`;
}

/** The ledger's keys: what was redriven before. A missing ledger is an empty one. */
export async function readLedger(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  dlq: string,
  signal?: AbortSignal,
): Promise<Set<string>> {
  const topic = ledgerTopic(dlq);
  const admin = kafka.admin();
  await connectKafka(admin, config, logger, signal);
  let partitions;
  try {
    if (!(await admin.listTopics()).includes(topic)) return new Set();
    partitions = (await topicOffsets(admin, config, topic)).map((p) => ({
      partition: p.partition,
      from: p.low,
      to: p.high,
    }));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const keys = new Set<string>();
  await readRanges(kafka, config, logger, [{ topic, partitions }], {
    signal,
    onMessage: ({ message }) => {
      if (message.key !== null && message.value !== null) keys.add(message.key.toString('utf8'));
    },
  });
  return keys;
}

export interface RedrivePlan {
  dlq: string;
  target: string;
  /** The dead letters to send, one per redrive key, in DLQ order. */
  letters: Array<{ key: string; letter: DeadLetterRecord }>;
  /** Chosen but redriven before (or a second copy of one chosen). */
  skipped: number;
}

export function planRedrive(
  dlq: string,
  target: string,
  chosen: DeadLetterRecord[],
  ledger: ReadonlySet<string>,
): RedrivePlan {
  const seen = new Set<string>();
  const letters: RedrivePlan['letters'] = [];
  for (const letter of chosen) {
    const key = redriveKey(target, dlq, letter);
    if (ledger.has(key) || seen.has(key)) continue;
    seen.add(key);
    letters.push({ key, letter });
  }
  return { dlq, target, letters, skipped: chosen.length - letters.length };
}

const DLQ_HEADER_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

/** The original's own headers (the dead-letter ones dropped) plus where it was redriven from. */
function redrivenHeaders(dlq: string, letter: DeadLetterRecord): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(letter.message.headers ?? {})) {
    if (!DLQ_HEADER_NAMES.has(name) && value !== undefined) headers[name] = value;
  }
  headers[REDRIVEN_FROM] = `${dlq}/${letter.partition}@${letter.offset}`;
  return headers;
}

/** Sends the plan, a transaction per batch; resolves with how many were sent. */
export async function executeRedrive(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  plan: RedrivePlan,
  signal?: AbortSignal,
): Promise<number> {
  if (plan.letters.length === 0) return 0;
  const ledger = ledgerTopic(plan.dlq);
  await ensureTopics(
    kafka,
    config,
    logger,
    [
      { topic: plan.target, mustExist: true },
      { topic: ledger, compacted: true },
    ],
    signal,
  );
  const producer = kafka.producer({
    transactionalId: `${config.kafka.clientId}-redrive-${plan.dlq}`,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await connectKafka(producer, config, logger, signal);
  let sent = 0;
  try {
    for (let i = 0; i < plan.letters.length; i += BATCH) {
      const batch = plan.letters.slice(i, i + BATCH);
      const transaction = await producer.transaction();
      try {
        await transaction.send({
          topic: plan.target,
          messages: batch.map(({ letter }) => ({
            key: letter.message.key,
            value: letter.message.value,
            headers: redrivenHeaders(plan.dlq, letter),
          })),
        });
        const at = new Date().toISOString();
        await transaction.send({
          topic: ledger,
          messages: batch.map(({ key, letter }) => ({
            key,
            value: JSON.stringify({ v: 1, from: `${plan.dlq}/${letter.partition}@${letter.offset}`, at }),
          })),
        });
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
      sent += batch.length;
      logger.debug(`redrive: ${sent}/${plan.letters.length} sent to ${plan.target}`);
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return sent;
}
