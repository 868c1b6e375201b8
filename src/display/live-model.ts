/**
 * The screen model of `watch`: what the live table and the plain lines show, updated from ticks and
 * window outputs, with no I/O. A version number that moves on every change lets the screen redraw
 * only when something changed.
 */
import type { Alert, MarketState, Tick, Trend, WindowOutput } from '../model.ts';
import type { SessionCalendar } from '../windows/calendar.ts';

export const SORT_FIELDS = ['symbol', 'change', 'volume', 'price'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** What the change is measured against: Yahoo's previous close, or the best stand-in we have. */
export type ReferenceKind = 'previous-close' | 'open' | 'first-tick';

export interface SymbolRow {
  symbol: string;
  /** Last price and its event time; undefined until the first tick. */
  price?: number;
  time?: number;
  reference?: number;
  referenceKind?: ReferenceKind;
  dayHigh?: number;
  dayLow?: number;
  dayVolume?: number;
  /** Start of the trading day of the last tick: a new day resets the range and the size-summed volume. */
  dayStart?: number;
  marketState?: MarketState;
  ticks: number;
  /** Closes of the last `sparkBars` final bars of the watched interval, oldest first. */
  closes: number[];
  /** Final bars of the watched interval so far. */
  bars: number;
  /** The latest indicator values of the watched interval. */
  indicators: Record<string, number>;
  trend?: Trend;
}

export interface WatchModelOptions {
  source: string;
  symbols: readonly string[];
  /** The bar interval the sparkline and indicators follow, like `1m`. */
  interval: string;
  sparkBars: number;
  sort: SortField;
  /** How many alerts to keep for the screen. */
  maxAlerts?: number;
  calendar: SessionCalendar;
}

export interface WatchModel {
  readonly options: WatchModelOptions;
  rows: Map<string, SymbolRow>;
  /** Newest first. */
  alerts: Alert[];
  ticks: number;
  lateTicks: number;
  /** Ticks stamped beyond windows.maxFutureSkew ahead of the clock, skipped. */
  futureTicks: number;
  /** Ticks whose processing threw unexpectedly, skipped. */
  failedTicks: number;
  /** Latest event time seen over all symbols. */
  lastTickTime?: number;
  ticksPerSecond: number;
  /** The source's own status line (rate limited, reconnecting, market closed until …). */
  status?: string;
  /** The source ended (a replay ran out, or --limit was reached). */
  finished: boolean;
  /** Moves on every change. */
  version: number;
  rateSample: { time: number; ticks: number } | undefined;
}

const DEFAULT_MAX_ALERTS = 5;

function emptyRow(symbol: string): SymbolRow {
  return { symbol, ticks: 0, closes: [], bars: 0, indicators: {} };
}

export function createWatchModel(options: WatchModelOptions): WatchModel {
  const rows = new Map<string, SymbolRow>();
  for (const symbol of options.symbols) rows.set(symbol, emptyRow(symbol));
  return {
    options,
    rows,
    alerts: [],
    ticks: 0,
    lateTicks: 0,
    futureTicks: 0,
    failedTicks: 0,
    ticksPerSecond: 0,
    finished: false,
    version: 0,
    rateSample: undefined,
  };
}

function rowOf(model: WatchModel, symbol: string): SymbolRow {
  let row = model.rows.get(symbol);
  if (!row) {
    row = emptyRow(symbol);
    model.rows.set(symbol, row);
  }
  return row;
}

function startDay(row: SymbolRow, tick: Tick, dayStart: number): void {
  // Yesterday's last price is exactly the previous close when the source does not say it.
  const carried = row.price;
  row.dayStart = dayStart;
  row.dayHigh = undefined;
  row.dayLow = undefined;
  row.dayVolume = undefined;
  if (tick.previousClose !== undefined) {
    row.reference = tick.previousClose;
    row.referenceKind = 'previous-close';
  } else if (carried !== undefined) {
    row.reference = carried;
    row.referenceKind = 'previous-close';
  } else if (tick.open !== undefined) {
    row.reference = tick.open;
    row.referenceKind = 'open';
  } else {
    row.reference = tick.price;
    row.referenceKind = 'first-tick';
  }
}

/** A tick the pipeline accepted. */
export function applyTick(model: WatchModel, tick: Tick): SymbolRow {
  const row = rowOf(model, tick.symbol);
  const dayStart = model.options.calendar.dayOf(tick.time).start;
  if (row.dayStart !== dayStart && (row.dayStart === undefined || dayStart > row.dayStart))
    startDay(row, tick, dayStart);
  if (tick.previousClose !== undefined && dayStart === row.dayStart) {
    row.reference = tick.previousClose;
    row.referenceKind = 'previous-close';
  }
  // An out-of-order tick (within the allowed lateness) must not move the last price backwards.
  if (row.time === undefined || tick.time >= row.time) {
    row.price = tick.price;
    row.time = tick.time;
    if (tick.marketState !== undefined) row.marketState = tick.marketState;
  }
  if (dayStart === row.dayStart) {
    row.dayHigh = Math.max(row.dayHigh ?? tick.price, tick.dayHigh ?? tick.price, tick.price);
    row.dayLow = Math.min(row.dayLow ?? tick.price, tick.dayLow ?? tick.price, tick.price);
    if (tick.dayVolume !== undefined) row.dayVolume = Math.max(row.dayVolume ?? 0, tick.dayVolume);
    else if (tick.size !== undefined) row.dayVolume = (row.dayVolume ?? 0) + tick.size;
  }
  row.ticks += 1;
  model.ticks += 1;
  if (model.lastTickTime === undefined || tick.time > model.lastTickTime) model.lastTickTime = tick.time;
  model.version += 1;
  return row;
}

export function applyLateTick(model: WatchModel, stage: 'late' | 'future' | 'process' = 'late'): void {
  if (stage === 'future') model.futureTicks += 1;
  else if (stage === 'process') model.failedTicks += 1;
  else model.lateTicks += 1;
  model.version += 1;
}

/** Bars, indicators and alerts from the window pipeline. */
export function applyOutput(model: WatchModel, output: WindowOutput): void {
  const { interval, sparkBars, maxAlerts = DEFAULT_MAX_ALERTS } = model.options;
  switch (output.kind) {
    case 'bar': {
      const { bar } = output;
      if (!bar.final || bar.interval !== interval) return;
      const row = rowOf(model, bar.symbol);
      row.bars += 1;
      row.closes.push(bar.close);
      if (row.closes.length > sparkBars) row.closes.splice(0, row.closes.length - sparkBars);
      break;
    }
    case 'indicator': {
      const { point } = output;
      if (point.interval !== interval) return;
      const row = rowOf(model, point.symbol);
      row.indicators = { ...row.indicators, ...point.values };
      if (point.trend !== undefined) row.trend = point.trend;
      break;
    }
    case 'alert':
      model.alerts.unshift(output.alert);
      if (model.alerts.length > maxAlerts) model.alerts.length = maxAlerts;
      break;
    case 'tick':
      return;
  }
  model.version += 1;
}

export function setStatus(model: WatchModel, status: string | undefined): void {
  if (model.status === status) return;
  model.status = status;
  model.version += 1;
}

export function markFinished(model: WatchModel): void {
  model.finished = true;
  model.version += 1;
}

/** Updates ticks/s from the ticks counted since the previous sample (called about once a second). */
export function sampleRate(model: WatchModel, now: number): void {
  const previous = model.rateSample;
  model.rateSample = { time: now, ticks: model.ticks };
  if (!previous || now <= previous.time) return;
  const rate = ((model.ticks - previous.ticks) * 1000) / (now - previous.time);
  if (rate !== model.ticksPerSecond) {
    model.ticksPerSecond = rate;
    model.version += 1;
  }
}

export interface Change {
  absolute: number;
  percent: number;
}

/**
 * Price quotes have at most six decimals, so the difference of two is rounded there: 100.99 − 101
 * is −0.01, not −0.009999999999990905. The percentage comes from that rounded difference (and is
 * cut to 10 significant digits), so the two always have the same sign and neither carries noise.
 */
export function changeOf(row: SymbolRow): Change | undefined {
  if (row.price === undefined || row.reference === undefined || row.reference === 0) return undefined;
  const absolute = Number((row.price - row.reference).toFixed(6)) + 0; // + 0 turns -0 into 0
  return { absolute, percent: Number(((absolute / row.reference) * 100).toPrecision(10)) + 0 };
}

/** True when the market of this row is closed (the price shown is the last close). */
export function isClosed(row: SymbolRow): boolean {
  return row.marketState === 'CLOSED';
}

type SortKey = (row: SymbolRow) => number | undefined;

const SORT_KEYS: Record<Exclude<SortField, 'symbol'>, SortKey> = {
  change: (row) => changeOf(row)?.percent,
  volume: (row) => row.dayVolume,
  price: (row) => row.price,
};

/** Rows in display order: by symbol A→Z, or by the field from high to low; rows without data last. */
export function sortedRows(model: WatchModel, sort: SortField = model.options.sort): SymbolRow[] {
  const rows = [...model.rows.values()];
  const bySymbol = (a: SymbolRow, b: SymbolRow) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
  if (sort === 'symbol') return rows.sort(bySymbol);
  const key = SORT_KEYS[sort];
  return rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === undefined || kb === undefined) {
      if (ka === kb) return bySymbol(a, b);
      return ka === undefined ? 1 : -1;
    }
    return kb - ka || bySymbol(a, b);
  });
}
