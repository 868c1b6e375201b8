/**
 * The records of the compacted state topic (`kafka.topics.state`) and how a partition is restored
 * from them.
 *
 * - `<group>:<topic>:<partition>:<symbol>` → a symbol record: the symbol's window state and the
 *   offset it corresponds to (the state holds exactly the symbol's ticks below that offset).
 * - `<group>:<topic>:<partition>` → the partition's checkpoint: the offset it corresponds to and,
 *   per symbol, the offset of the symbol record it vouches for.
 *
 * A checkpoint is written after the sinks acknowledged everything derived from the ticks below its
 * offset and after its symbol records; the consumer offset is committed last. Each symbol record is
 * consistent on its own, so a restore stays exact whatever was interrupted in between: a symbol
 * whose record is the one the checkpoint vouches for resumes at the checkpoint's offset, any other
 * (written by a checkpoint that did not finish, or by a consumer that lost the partition) resumes
 * at its own offset, and the partition is read again from the smallest of them.
 */
import { StockstreamError } from '../errors.ts';
import type { SymbolSnapshot } from '../windows/types.ts';

const VERSION = 1;

export interface SymbolRecord {
  offset: number;
  state: SymbolSnapshot | null;
}

export interface CheckpointRecord {
  offset: number;
  /** symbol → offset of the symbol record this checkpoint vouches for. */
  symbols: Record<string, number>;
}

export function partitionKey(group: string, topic: string, partition: number): string {
  return `${group}:${topic}:${partition}`;
}

export function symbolKey(partitionPrefix: string, symbol: string): string {
  return `${partitionPrefix}:${symbol}`;
}

/** The value of a symbol record; `stateJson` is the already serialized snapshot (or `null`). */
export function encodeSymbolRecord(offset: number, stateJson: string): string {
  return `{"v":${VERSION},"kind":"symbol","offset":${offset},"state":${stateJson}}`;
}

export function encodeCheckpoint(record: CheckpointRecord): string {
  return JSON.stringify({
    v: VERSION,
    kind: 'checkpoint',
    offset: record.offset,
    symbols: record.symbols,
    at: Date.now(),
  });
}

/** A state record this version cannot use, with the way out. */
export function unusableState(key: string, why: string): StockstreamError {
  return new StockstreamError(`state topic record ${key} is not usable: ${why}`, {
    hint: 'it was not written by this version of stockstream; point kafka.topics.state at a fresh topic (state is then rebuilt from the prices topic) or use another --group',
  });
}

function parse(key: string, raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw unusableState(key, 'not JSON');
  }
  if (value === null || typeof value !== 'object') throw unusableState(key, 'not an object');
  const record = value as Record<string, unknown>;
  if (record.v !== VERSION) throw unusableState(key, `version ${JSON.stringify(record.v)}`);
  if (typeof record.offset !== 'number' || !Number.isSafeInteger(record.offset) || record.offset < 0)
    throw unusableState(key, 'no offset');
  return record;
}

export function decodeSymbolRecord(key: string, raw: string): SymbolRecord {
  const record = parse(key, raw);
  const state = record.state;
  if (state !== null && (typeof state !== 'object' || Array.isArray(state)))
    throw unusableState(key, 'state is not an object');
  return { offset: record.offset as number, state: state as SymbolSnapshot | null };
}

export function decodeCheckpoint(key: string, raw: string): CheckpointRecord {
  const record = parse(key, raw);
  const symbols = record.symbols;
  if (symbols === null || typeof symbols !== 'object' || Array.isArray(symbols))
    throw unusableState(key, 'no symbol list');
  return { offset: record.offset as number, symbols: symbols as Record<string, number> };
}

export interface PartitionRecords {
  checkpoint: CheckpointRecord | undefined;
  symbols: Map<string, SymbolRecord>;
}

/** Decodes the latest raw records of one partition (`prefix` from partitionKey), keyed by record key. */
export function decodePartitionRecords(prefix: string, raw: ReadonlyMap<string, string>): PartitionRecords {
  let checkpoint: CheckpointRecord | undefined;
  const symbols = new Map<string, SymbolRecord>();
  for (const [key, value] of raw) {
    if (key === prefix) checkpoint = decodeCheckpoint(key, value);
    else if (key.startsWith(`${prefix}:`)) symbols.set(key.slice(prefix.length + 1), decodeSymbolRecord(key, value));
  }
  return { checkpoint, symbols };
}

/** Which ticks of a partition a restored consumer still has to apply. */
export interface SkipFloors {
  /** Ticks of symbols without their own floor are applied from here on (0 without a checkpoint). */
  base: number;
  /** Symbols whose state already holds ticks up to (not including) this offset. */
  bySymbol: Map<string, number>;
  /** The largest floor: from this offset on nothing is skipped. */
  max: number;
}

export interface RestorePlan {
  /** Where to start reading; undefined leaves it to the group's committed offset (nothing saved yet). */
  seekTo: number | undefined;
  /** `recordOffset` is the record's own offset: what the next checkpoint vouches for while unchanged. */
  states: Array<{ symbol: string; state: SymbolSnapshot | null; recordOffset: number }>;
  floors: SkipFloors;
}

export const NO_FLOORS: SkipFloors = { base: 0, bySymbol: new Map(), max: 0 };

export function planRestore(
  checkpoint: CheckpointRecord | undefined,
  symbols: ReadonlyMap<string, SymbolRecord>,
): RestorePlan {
  const base = checkpoint?.offset ?? 0;
  const states: RestorePlan['states'] = [];
  const bySymbol = new Map<string, number>();
  let min = checkpoint?.offset ?? Number.POSITIVE_INFINITY;
  let max = base;
  for (const [symbol, record] of symbols) {
    const vouched = checkpoint !== undefined && checkpoint.symbols[symbol] === record.offset;
    const resumeAt = vouched ? base : record.offset;
    states.push({ symbol, state: record.state, recordOffset: record.offset });
    if (resumeAt !== base) bySymbol.set(symbol, resumeAt);
    if (resumeAt < min) min = resumeAt;
    if (resumeAt > max) max = resumeAt;
  }
  // Without a checkpoint the ticks of symbols that have no record must be read from the start.
  const seekTo = checkpoint === undefined ? undefined : min;
  return { seekTo, states, floors: { base, bySymbol, max } };
}

/** The first offset of `symbol` the consumer must apply. */
export function floorOf(floors: SkipFloors, symbol: string): number {
  return floors.bySymbol.get(symbol) ?? floors.base;
}
