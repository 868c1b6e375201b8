/**
 * Stock info on the wire: the `stock-general-information` topic, keyed by symbol and compacted.
 * `info sync --to kafka` encodes with encodeRecord (src/model.ts); `consume --info` decodes here
 * before upserting into PostgreSQL.
 */
import { DecodeError, decodeEnvelope, encodeRecord, SCHEMA_VERSION, type StockInfo } from '../model.ts';
import type { OutgoingMessage } from '../kafka/publisher.ts';

/** The `schema` header of stock info messages. */
export const INFO_SCHEMA = `stock-info.v${SCHEMA_VERSION}`;

/** The raw quoteSummary payload can be tens of kilobytes; anything near Kafka's 1 MB default is not stock info. */
const MAX_INFO_BYTES = 512 * 1024;

const TEXT_FIELDS = ['shortName', 'longName', 'sector', 'industry', 'exchange', 'currency'] as const;
const NUMBER_FIELDS = [
  'marketCap',
  'trailingPE',
  'forwardPE',
  'fiftyTwoWeekHigh',
  'fiftyTwoWeekLow',
  'fiftyDayAverage',
  'shortRatio',
] as const;

export function infoMessage(info: StockInfo): OutgoingMessage {
  return { key: info.symbol, value: encodeRecord(info), headers: { schema: INFO_SCHEMA } };
}

/** Parses and validates one stock info message; throws DecodeError with the reason. */
export function decodeStockInfo(raw: Buffer | string | null): StockInfo {
  const m = decodeEnvelope(raw, MAX_INFO_BYTES);
  if (typeof m.fetchedAt !== 'number' || !Number.isFinite(m.fetchedAt) || m.fetchedAt <= 0)
    throw new DecodeError('fetchedAt must be epoch milliseconds');
  const info: StockInfo = { symbol: m.symbol, fetchedAt: m.fetchedAt };
  for (const key of TEXT_FIELDS) {
    const value = m[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new DecodeError(`${key} must be a string`);
    info[key] = value;
  }
  for (const key of NUMBER_FIELDS) {
    const value = m[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new DecodeError(`${key} must be a number`);
    info[key] = value;
  }
  if (m.raw !== undefined) info.raw = m.raw;
  return info;
}
