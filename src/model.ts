/**
 * The records that flow through StockStream and their wire codec (JSON, one object per Kafka
 * message, with a schema version `v`). Times are epoch milliseconds (UTC) of the event itself.
 * Decoding validates by hand rather than through the config schema: it is the consumer's hot path.
 */
import type { AlertType, Severity } from './config/alert-rules.ts';

export const SCHEMA_VERSION = 1;

export type MarketState = 'PRE' | 'REGULAR' | 'POST' | 'CLOSED';

/** One price observation of one symbol. */
export interface Tick {
  symbol: string;
  /** Event time: when the exchange printed this price (epoch ms). */
  time: number;
  price: number;
  /** Cumulative volume of the trading day so far (Yahoo's regularMarketVolume / day_volume). */
  dayVolume?: number;
  /** Size of the last trade, when the source knows it. */
  size?: number;
  bid?: number;
  ask?: number;
  dayHigh?: number;
  dayLow?: number;
  open?: number;
  previousClose?: number;
  currency?: string;
  exchange?: string;
  marketState?: MarketState;
  /** Name of the source that produced it: yahoo, yahoo-stream, replay, synthetic, backfill. */
  source: string;
  /** Historical data published by --backfill, not a live observation. */
  backfill?: boolean;
}

/** A closed (or, with `final: false`, interim) OHLCV bar of one symbol and interval. */
export interface Bar {
  symbol: string;
  /** Interval as configured, like `1m`. */
  interval: string;
  /** Window start and end (epoch ms, end exclusive). */
  start: number;
  end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Increase of cumulative day volume within the bar (plus trade sizes where no day volume is known). */
  volume: number;
  /** Volume-weighted average price within the bar; the close when the bar had no volume. */
  vwap: number;
  /** Number of ticks in the bar. */
  ticks: number;
  /** True once the watermark or the idle timer closed the window; false for interim updates. */
  final: boolean;
  exchange?: string;
}

/** The trend label of an indicator point (`trendOf` in src/windows/indicators/indicators.ts says how it is chosen). */
export type Trend = 'up' | 'down' | 'flat';

/**
 * Indicator values computed on a closed bar; the keys (sma_20, ema_12, rsi_14, macd, bb_upper…) are
 * named in src/windows/indicators/fields.ts.
 */
export interface IndicatorPoint {
  symbol: string;
  interval: string;
  /** Start of the bar the values belong to. */
  time: number;
  values: Record<string, number>;
  trend?: Trend;
}

export type { Severity };

export interface Alert {
  symbol: string;
  /** Rule name from the config. */
  rule: string;
  type: AlertType;
  severity: Severity;
  interval: string;
  /** Event time the alert refers to (start of the bar that triggered it). */
  time: number;
  message: string;
  /** The measured value and the threshold it crossed. */
  value: number;
  threshold: number;
}

/** Stock metadata from `info sync`. */
export interface StockInfo {
  symbol: string;
  shortName?: string;
  longName?: string;
  sector?: string;
  industry?: string;
  exchange?: string;
  currency?: string;
  marketCap?: number;
  trailingPE?: number;
  forwardPE?: number;
  fiftyTwoWeekHigh?: number;
  fiftyTwoWeekLow?: number;
  fiftyDayAverage?: number;
  shortRatio?: number;
  /** When Yahoo was asked (epoch ms). */
  fetchedAt: number;
  /** The raw quoteSummary payload, kept for fields we do not model. */
  raw?: unknown;
}

/** Everything a window operator emits; sinks pick the kinds they store. */
/** A place in the prices topic: `source` names topic and partition, `offset` the message there. */
export interface StreamPosition {
  source: string;
  offset: number;
}

export type WindowOutput =
  | { kind: 'tick'; tick: Tick }
  /**
   * `position`: where in its Kafka partition the consumer stood when it emitted the bar (the offset
   * of the last message applied); a bar from an older position never replaces a newer one in
   * PostgreSQL. Absent outside `consume` (watch, backtest).
   */
  | { kind: 'bar'; bar: Bar; position?: StreamPosition }
  | { kind: 'indicator'; point: IndicatorPoint }
  | { kind: 'alert'; alert: Alert };

/** Why a message could not be used; becomes the `error` header of its dead-letter copy. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

// ---------------------------------------------------------------- wire codec

/** The optional numeric fields of a tick. */
export const TICK_OPTIONAL_NUMBERS = [
  'dayVolume',
  'size',
  'bid',
  'ask',
  'dayHigh',
  'dayLow',
  'open',
  'previousClose',
] as const;
export const TICK_OPTIONAL_STRINGS = ['currency', 'exchange'] as const;
/** The market states a tick may carry (`marketState`). */
export const MARKET_STATES: ReadonlySet<unknown> = new Set(['PRE', 'REGULAR', 'POST', 'CLOSED']);
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * The ranges a tick's numbers must lie in. They cover every real market (prices from sub-satoshi
 * tokens to Berkshire A, any time since 1970) and keep every derived value finite: price × volume
 * summed over a day stays far below Number.MAX_VALUE, and a time stays inside the Date range the
 * session calendar works on (±8.64e15 ms), so no bad number can throw or overflow after decode.
 */
export const TICK_LIMITS = {
  /** After the epoch, as everywhere else (replay and Yahoo times are positive epoch values). */
  minTime: 1,
  maxTime: Date.UTC(2200, 0, 1),
  minPrice: 1e-12,
  maxPrice: 1e12,
  /** Volumes and trade sizes: Number.MAX_SAFE_INTEGER is 9.007e15, so sums stay exact integers. */
  maxVolume: 1e15,
} as const;

/** The optional price-like fields (bounded like the price) and volume-like ones (like a volume). */
const VOLUME_FIELDS = new Set<string>(['dayVolume', 'size']);

export function encodeTick(tick: Tick): string {
  return JSON.stringify({ v: SCHEMA_VERSION, ...tick });
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * What every message shares: a JSON object of our schema version with a symbol. Returns it for
 * the record-specific checks; throws DecodeError otherwise.
 */
export function decodeEnvelope(
  raw: Buffer | string | null,
  maxBytes = MAX_MESSAGE_BYTES,
): Record<string, unknown> & { symbol: string } {
  if (raw === null) throw new DecodeError('empty message (null value)');
  if (raw.length > maxBytes) throw new DecodeError(`message too large (${raw.length} bytes > ${maxBytes})`);
  let obj: unknown;
  try {
    obj = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (error) {
    throw new DecodeError(`not JSON: ${(error as Error).message}`);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new DecodeError('not a JSON object');
  const m = obj as Record<string, unknown>;
  if (m.v !== SCHEMA_VERSION)
    throw new DecodeError(`unsupported schema version ${JSON.stringify(m.v)} (expected ${SCHEMA_VERSION})`);
  if (typeof m.symbol !== 'string' || m.symbol === '' || m.symbol.length > 20)
    throw new DecodeError('symbol must be a non-empty string');
  return m as Record<string, unknown> & { symbol: string };
}

/** Parses and validates one tick message; throws DecodeError with a reason a human can act on. */
export function decodeTick(raw: Buffer | string | null): Tick {
  const m = decodeEnvelope(raw);
  const { minTime, maxTime, minPrice, maxPrice, maxVolume } = TICK_LIMITS;
  if (!isFiniteNumber(m.time) || m.time <= 0) throw new DecodeError('time must be epoch milliseconds');
  if (m.time < minTime || m.time > maxTime) {
    throw new DecodeError(
      `time ${m.time} is out of range (${new Date(minTime).toISOString()} to ${new Date(maxTime).toISOString()})`,
    );
  }
  if (!isFiniteNumber(m.price) || m.price <= 0) throw new DecodeError('price must be a positive number');
  if (m.price < minPrice || m.price > maxPrice)
    throw new DecodeError(`price ${m.price} is out of range (${minPrice} to ${maxPrice})`);
  if (typeof m.source !== 'string' || m.source.length > 64) throw new DecodeError('source must be a string');
  const tick: Tick = { symbol: m.symbol, time: m.time, price: m.price, source: m.source };
  for (const key of TICK_OPTIONAL_NUMBERS) {
    const value = m[key];
    if (value === undefined || value === null) continue;
    const max = VOLUME_FIELDS.has(key) ? maxVolume : maxPrice;
    if (!isFiniteNumber(value) || value < 0) throw new DecodeError(`${key} must be a non-negative number`);
    if (value > max) throw new DecodeError(`${key} ${value} is out of range (0 to ${max})`);
    tick[key] = value;
  }
  for (const key of TICK_OPTIONAL_STRINGS) {
    const value = m[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new DecodeError(`${key} must be a string`);
    tick[key] = value;
  }
  if (m.marketState !== undefined && m.marketState !== null) {
    if (typeof m.marketState !== 'string' || !MARKET_STATES.has(m.marketState))
      throw new DecodeError('marketState must be PRE, REGULAR, POST or CLOSED');
    tick.marketState = m.marketState as MarketState;
  }
  if (m.backfill === true) tick.backfill = true;
  return tick;
}

export function encodeRecord(record: Bar | IndicatorPoint | Alert | StockInfo): string {
  return JSON.stringify({ v: SCHEMA_VERSION, ...record });
}
