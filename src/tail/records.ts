/**
 * What `tail`, `dlq show` print for one Kafka record: the NDJSON shape (`--json`: partition, offset,
 * key, headers, timestamp and the decoded value) and the human line, which is watch's line mode
 * (src/watch/lines.ts and the console sink's bar, indicator and alert lines), so a record reads the
 * same wherever it shows up. Dead letters add why and where from, and their original bytes escaped.
 */
import type { KafkaMessage } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { deadLetterOrigin, escapeBytes, type DeadLetterOrigin } from '../dlq/read.ts';
import { errorMessage } from '../errors.ts';
import { dlqTopic } from '../kafka/topics.ts';
import { decodeEnvelope, decodeTick, type Alert, type Bar, type IndicatorPoint, type StockInfo } from '../model.ts';
import { decodeStockInfo } from '../info/codec.ts';
import { alertText, barText, indicatorText, summaryLine, tickOnlySummary } from '../display/records.ts';

export type RecordKind = 'tick' | 'bar' | 'indicator' | 'alert' | 'info' | 'dead-letter' | 'raw';

/** The names `tail [what]` takes besides a raw topic name. */
export const TAIL_TARGETS = ['prices', 'bars', 'indicators', 'alerts', 'info', 'dlq', 'info-dlq'] as const;

export interface TailTarget {
  topic: string;
  /** How records of this topic read; `raw` decides per record from its `schema` header. */
  kind: RecordKind;
}

/** `prices` (default), `bars`, … `dlq`, `info-dlq`, or any topic name (a configured one reads as its kind). */
export function resolveTarget(config: Config, what = 'prices'): TailTarget {
  const topics = config.kafka.topics;
  const named: Record<(typeof TAIL_TARGETS)[number], TailTarget> = {
    prices: { topic: topics.prices, kind: 'tick' },
    bars: { topic: topics.bars, kind: 'bar' },
    indicators: { topic: topics.indicators, kind: 'indicator' },
    alerts: { topic: topics.alerts, kind: 'alert' },
    info: { topic: topics.info, kind: 'info' },
    dlq: { topic: dlqTopic(topics.prices), kind: 'dead-letter' },
    'info-dlq': { topic: dlqTopic(topics.info), kind: 'dead-letter' },
  };
  if (what in named) return named[what as keyof typeof named];
  const configured = Object.values(named).find((target) => target.topic === what);
  if (configured) return configured;
  return { topic: what, kind: what.endsWith('.dlq') ? 'dead-letter' : 'raw' };
}

/** The kind a record of a raw topic has, from the `schema` header our writers set (`bar.v1`, …). */
const SCHEMA_KINDS: Record<string, RecordKind> = {
  tick: 'tick',
  bar: 'bar',
  indicator: 'indicator',
  alert: 'alert',
  'stock-info': 'info',
};

/** Original bytes shown in a line: enough to recognise, never a flood. */
const SHOWN_BYTES = 200;

export interface TailRecord {
  topic: string;
  partition: number;
  offset: string;
  /** The record's Kafka timestamp, ISO 8601. */
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  kind: RecordKind;
  /** The decoded record; for raw records and dead letters the bytes as text when they are UTF-8. */
  value: unknown;
  /** Why the value did not decode as its kind (it is then shown raw). */
  error?: string;
  /** Dead letters: why and where the original came from. */
  deadLetter?: DeadLetterOrigin & { bytes: number; valueBase64: string | null };
}

function headerText(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = typeof first === 'string' ? first : first.toString('utf8');
  }
  return headers;
}

/** The bytes as text when they are valid UTF-8 (a round trip gives them back), else null. */
function utf8(bytes: Buffer | null): string | null {
  if (bytes === null) return null;
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : null;
}

function decodeAs(kind: RecordKind, value: Buffer | null): unknown {
  switch (kind) {
    case 'tick':
      return decodeTick(value);
    case 'info':
      return decodeStockInfo(value);
    case 'bar':
    case 'indicator':
    case 'alert': {
      const { v: _version, ...record } = decodeEnvelope(value);
      return record;
    }
    default:
      return utf8(value);
  }
}

export function toTailRecord(
  targetKind: RecordKind,
  topic: string,
  partition: number,
  message: KafkaMessage,
): TailRecord {
  const headers = headerText(message);
  const schemaKind = headers.schema ? SCHEMA_KINDS[headers.schema.replace(/\.v\d+$/, '')] : undefined;
  const kind = targetKind === 'raw' ? (schemaKind ?? 'raw') : targetKind;
  const record: TailRecord = {
    topic,
    partition,
    offset: message.offset,
    timestamp: new Date(Number(message.timestamp)).toISOString(),
    key: message.key === null ? null : message.key.toString('utf8'),
    headers,
    kind,
    value: null,
  };
  if (kind === 'dead-letter') {
    record.value = utf8(message.value);
    record.deadLetter = {
      ...deadLetterOrigin(message.headers),
      bytes: message.value?.length ?? 0,
      valueBase64: message.value?.toString('base64') ?? null,
    };
    return record;
  }
  try {
    record.value = decodeAs(kind, message.value);
  } catch (error) {
    record.error = errorMessage(error);
    record.value = utf8(message.value);
    record.kind = 'raw';
  }
  return record;
}

function infoText(info: StockInfo): string {
  const fields = [`name=${JSON.stringify(info.longName ?? info.shortName ?? '')}`];
  if (info.sector) fields.push(`sector=${JSON.stringify(info.sector)}`);
  if (info.marketCap !== undefined) fields.push(`cap=${info.marketCap}`);
  if (info.trailingPE !== undefined) fields.push(`pe=${info.trailingPE}`);
  return `info      ${info.symbol} ${new Date(info.fetchedAt).toISOString()} ${fields.join(' ')}`;
}

function deadLetterText(record: TailRecord, bytes: Buffer | null): string {
  const d = record.deadLetter!;
  const from = `${d.topic ?? '?'}/${d.partition ?? '?'}@${d.offset ?? '?'}`;
  return `dlq       ${(d.stage ?? '?').padEnd(11)} ${record.key ?? '(no key)'} ${record.timestamp} from=${from} reason=${JSON.stringify(d.reason ?? '')} value=${escapeBytes(bytes, SHOWN_BYTES)}`;
}

/** One line per record, aligned per kind like watch's line mode; `bytes` are the record's original value. */
export function tailLine(record: TailRecord, bytes: Buffer | null): string {
  switch (record.kind) {
    case 'tick':
      return summaryLine(tickOnlySummary(record.value as Parameters<typeof tickOnlySummary>[0]));
    case 'bar':
      return barText(record.value as Bar);
    case 'indicator':
      return indicatorText(record.value as IndicatorPoint);
    case 'alert':
      return alertText(record.value as Alert);
    case 'info':
      return infoText(record.value as StockInfo);
    case 'dead-letter':
      return deadLetterText(record, bytes);
    case 'raw': {
      const why = record.error ? ` error=${JSON.stringify(record.error)}` : '';
      return `record    ${record.key ?? '(no key)'} ${record.timestamp} p${record.partition}@${record.offset}${why} value=${escapeBytes(bytes, SHOWN_BYTES)}`;
    }
  }
}
