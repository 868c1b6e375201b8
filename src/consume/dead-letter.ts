/**
 * Dead letters: a message the consumer cannot use goes to `<topic>.dlq` unchanged (same key, same
 * value, same headers) plus headers saying why and where it came from, so it can be inspected with
 * kcat and replayed once fixed.
 */
import type { KafkaMessage } from 'kafkajs';
import type { OutgoingMessage } from '../kafka/publisher.ts';

/** Where in the consumer the message was rejected. */
export type DeadLetterStage = 'decode' | 'late' | 'future' | 'process' | 'info-decode';

export const DLQ_HEADERS = {
  error: 'error',
  stage: 'error.stage',
  topic: 'original.topic',
  partition: 'original.partition',
  offset: 'original.offset',
} as const;

function text(value: Buffer | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.toString('utf8');
}

function originalHeaders(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!message.headers) return headers;
  for (const [name, value] of Object.entries(message.headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    const decoded = text(first as Buffer | string | undefined);
    if (decoded !== null) headers[name] = decoded;
  }
  return headers;
}

export function deadLetter(
  dlqTopic: string,
  topic: string,
  partition: number,
  message: KafkaMessage,
  stage: DeadLetterStage,
  reason: string,
): OutgoingMessage {
  return {
    topic: dlqTopic,
    key: text(message.key),
    // The original bytes, not a re-encoding: what could not be read must stay exactly as it was.
    value: message.value,
    headers: {
      ...originalHeaders(message),
      [DLQ_HEADERS.error]: reason,
      [DLQ_HEADERS.stage]: stage,
      [DLQ_HEADERS.topic]: topic,
      [DLQ_HEADERS.partition]: String(partition),
      [DLQ_HEADERS.offset]: message.offset,
    },
  };
}
