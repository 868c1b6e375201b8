/**
 * One record of a replay file → a tick or a bar. Accepted shapes (NDJSON objects or CSV rows with a
 * header):
 *   - ticks: symbol, time (epoch ms or s, or ISO 8601), price, and any optional Tick field; lines
 *     written by `--record` (they carry the schema version `v`) are taken exactly as they are;
 *   - bars: symbol, start (or time/date), open, high, low, close, volume — like Yahoo's chart or
 *     the `file` sink's bar output (interim bars, `final: false`, are skipped).
 */
import { DecodeError, decodeTick, SCHEMA_VERSION, TICK_OPTIONAL_NUMBERS, type Tick } from '../../model.ts';
import type { BarRow } from '../backfill/bar-ticks.ts';
import { epochMs, text } from '../fields.ts';

export type ReplayRecord =
  { kind: 'tick'; tick: Tick } | { kind: 'bar'; symbol: string; bar: BarRow } | { kind: 'skip' };

const SHAPE_HINT = 'neither a tick (symbol, time, price) nor a bar (symbol, start, open, high, low, close)';

/** CSV leaves empty cells as ''; they mean "not given". */
function withoutBlanks(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (value !== '' && value !== null) out[key] = value;
  return out;
}

const numberOrNull = (value: unknown) =>
  typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : null;

/**
 * The one rule for numbers written as strings: a record with the schema version `v` (a Kafka
 * message, a `--record` line) is our own wire format and must carry JSON numbers; a replay record
 * without `v` is foreign data (a CSV cell is always text), so every numeric field of it — price
 * and all optional ones alike — may be a numeric string and is converted before the same decode.
 */
function foreignNumbers(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row, price: numberOrNull(row.price) };
  for (const key of TICK_OPTIONAL_NUMBERS) {
    const value = row[key];
    // Text that is not a number stays text, so the decode names the field instead of dropping it.
    if (typeof value === 'string' && Number.isFinite(Number(value)) && value.trim() !== '') out[key] = Number(value);
  }
  return out;
}

/** Throws DecodeError with a reason for the dead-letter header. */
export function parseRecord(raw: Record<string, unknown>, line?: string): ReplayRecord {
  const row = withoutBlanks(raw);
  if (row.v !== undefined && line !== undefined) return { kind: 'tick', tick: decodeTick(line) };
  if (row.price !== undefined) {
    const time = epochMs(row.time ?? row.timestamp);
    if (time === undefined) throw new DecodeError('time must be epoch milliseconds, epoch seconds or an ISO 8601 date');
    const symbol = typeof row.symbol === 'string' ? row.symbol.trim().toUpperCase() : row.symbol;
    return {
      kind: 'tick',
      tick: decodeTick(
        JSON.stringify({ ...foreignNumbers(row), v: SCHEMA_VERSION, symbol, time, source: row.source ?? 'replay' }),
      ),
    };
  }
  if (row.close !== undefined) {
    if (row.final === false) return { kind: 'skip' };
    const symbol = text(row.symbol);
    if (!symbol) throw new DecodeError('symbol must be a non-empty string');
    const time = epochMs(row.start ?? row.time ?? row.date ?? row.timestamp);
    if (time === undefined)
      throw new DecodeError('start must be epoch milliseconds, epoch seconds or an ISO 8601 date');
    const close = numberOrNull(row.close);
    if (close === null || !(close > 0)) throw new DecodeError('close must be a positive number');
    const bar: BarRow = {
      time,
      open: numberOrNull(row.open),
      high: numberOrNull(row.high),
      low: numberOrNull(row.low),
      close,
      volume: numberOrNull(row.volume),
    };
    return { kind: 'bar', symbol: symbol.toUpperCase(), bar };
  }
  throw new DecodeError(SHAPE_HINT);
}
