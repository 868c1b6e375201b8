/**
 * Reading a dead letter back: the headers `deadLetter()` (src/consume/dead-letter.ts) wrote, and
 * the original bytes shown safely on a terminal. The building block for `dlq list|show|redrive`
 * and `tail <topic>.dlq` (issue 19); the header names come from DLQ_HEADERS so writer and reader
 * cannot drift apart.
 */
import type { IHeaders } from 'kafkajs';
import { DLQ_HEADERS } from '../consume/dead-letter.ts';

export interface DeadLetterOrigin {
  reason: string | null;
  stage: string | null;
  topic: string | null;
  partition: number | null;
  /** Kept as a string: Kafka offsets are int64 and may exceed Number.MAX_SAFE_INTEGER. */
  offset: string | null;
}

function header(headers: IHeaders | undefined, name: string): string | null {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/** Why and where a dead letter came from; a missing or malformed header reads as null, never throws. */
export function deadLetterOrigin(headers: IHeaders | undefined): DeadLetterOrigin {
  const partitionText = header(headers, DLQ_HEADERS.partition);
  const partition = partitionText !== null && /^\d+$/.test(partitionText) ? Number(partitionText) : null;
  const offsetText = header(headers, DLQ_HEADERS.offset);
  return {
    reason: header(headers, DLQ_HEADERS.error),
    stage: header(headers, DLQ_HEADERS.stage),
    topic: header(headers, DLQ_HEADERS.topic),
    partition,
    offset: offsetText !== null && /^\d+$/.test(offsetText) ? offsetText : null,
  };
}

/**
 * The original bytes as one printable line: printable ASCII as is, backslash, quotes and everything
 * else escaped (\n, \t, \xNN), cut after `limit` input bytes with the full byte count, so a binary
 * or huge poison message can neither garble the terminal nor flood it.
 */
export function escapeBytes(bytes: Buffer | null, limit: number): string {
  if (bytes === null) return '(null)';
  let out = '';
  const shown = Math.min(bytes.length, limit);
  for (let i = 0; i < shown; i++) {
    const b = bytes[i]!;
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return shown < bytes.length ? `${out}… (${bytes.length} bytes)` : out;
}
