/**
 * What the `watch --web` page shows, kept in memory: per symbol and interval the closed bars, the
 * open (forming) bar built from ticks, the indicator points and the alerts, plus the live table
 * rows. A new page (or one that reconnects) gets `snapshot()` first and then every `FeedEvent`, so
 * it catches up on whatever it missed.
 */
import type { Alert, Bar, IndicatorPoint, Tick, Trend, WindowOutput } from '../model.ts';
import { windowStart } from '../windows/bars/grid.ts';
import { BOLLINGER_FIELDS, type BarInterval, type IndicatorFields, type SessionCalendar } from '../windows/index.ts';
import { changeOf, type SymbolRow } from '../display/live-model.ts';

/** Bars kept per symbol and interval: a full session of 1m bars with room to spare. */
const MAX_BARS = 1500;
const MAX_ALERTS = 200;

/** One row of the page's table; the same numbers as the terminal table. */
export interface TableRow {
  symbol: string;
  price?: number;
  time?: number;
  change?: number;
  changePct?: number;
  dayHigh?: number;
  dayLow?: number;
  dayVolume?: number;
  bars: number;
  indicators: Record<string, number>;
  trend?: Trend;
  marketState?: string;
}

/** Bars on the page: closed ones plus the forming one (`final: false`). */
export type ChartBar = Pick<
  Bar,
  'symbol' | 'interval' | 'start' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'final'
> & {
  /** Closed before the first live tick of its symbol: history of a warm start or a backfill. */
  history?: true;
};

export type FeedEvent =
  | { type: 'tick'; row: TableRow; bars: ChartBar[] }
  | { type: 'bar'; bar: ChartBar }
  | { type: 'indicator'; point: IndicatorPoint }
  | { type: 'alert'; alert: Alert }
  | { type: 'status'; status?: string; finished: boolean };

export interface FeedSnapshot {
  type: 'snapshot';
  source: string;
  intervals: string[];
  /** The interval `--interval` chose; the page starts on it. */
  interval: string;
  /** Exchange time zone, for the page's clock. */
  timezone: string;
  /** The indicator fields to draw, by the names the pipeline writes (src/windows/indicators/fields.ts). */
  fields: PageFields;
  symbols: string[];
  rows: TableRow[];
  /** By symbol, then interval. */
  bars: Record<string, Record<string, ChartBar[]>>;
  indicators: Record<string, Record<string, IndicatorPoint[]>>;
  alerts: Alert[];
  status?: string;
  finished: boolean;
}

export interface WebFeed {
  /** A row changed; with the tick that changed it when it was a live one. */
  row(row: SymbolRow, tick?: Tick): void;
  output(output: WindowOutput): void;
  status(status: string | undefined, finished: boolean): void;
  snapshot(): FeedSnapshot;
  /** Calls `listener` with every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: FeedEvent) => void): () => void;
}

export interface WebFeedOptions {
  source: string;
  intervals: readonly BarInterval[];
  interval: string;
  calendar: SessionCalendar;
  /** The indicator fields the pipeline writes (windows/indicators/fields.ts). */
  fields: IndicatorFields;
  /** Symbols to list before their first tick. */
  symbols: readonly string[];
}

interface Series {
  bars: ChartBar[];
  forming?: ChartBar & { lastDayVolume?: number };
  indicators: IndicatorPoint[];
}

function tableRow(row: SymbolRow): TableRow {
  const change = changeOf(row);
  return {
    symbol: row.symbol,
    price: row.price,
    time: row.time,
    change: change?.absolute,
    changePct: change?.percent,
    dayHigh: row.dayHigh,
    dayLow: row.dayLow,
    dayVolume: row.dayVolume,
    bars: row.bars,
    indicators: row.indicators,
    trend: row.trend,
    marketState: row.marketState,
  };
}

/** What the page draws: over the candles the averages (solid) and the outer bands (dashed), RSI and MACD below. */
export interface PageFields {
  overlays: { key: string; band: boolean }[];
  rsi: string;
  macd: IndicatorFields['macd'];
}

function pageFields(fields: IndicatorFields): PageFields {
  const bands: string[] = [BOLLINGER_FIELDS.upper, BOLLINGER_FIELDS.lower];
  return {
    // The middle band is the moving average of the band's period: drawn once, as that average.
    overlays: fields.overlays
      .filter((key) => key !== BOLLINGER_FIELDS.middle)
      .map((key) => ({ key, band: bands.includes(key) })),
    rsi: fields.rsi,
    macd: fields.macd,
  };
}

function capped<T>(list: T[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max);
}

export function createWebFeed(options: WebFeedOptions): WebFeed {
  const series = new Map<string, Map<string, Series>>();
  const rows = new Map<string, SymbolRow>();
  const alerts: Alert[] = [];
  /** Event time of each symbol's first live (not history) tick. */
  const liveFrom = new Map<string, number>();
  const listeners = new Set<(event: FeedEvent) => void>();
  let status: string | undefined;
  let finished = false;

  const send = (event: FeedEvent) => {
    for (const listener of listeners) listener(event);
  };
  const seriesOf = (symbol: string, interval: string): Series => {
    let bySymbol = series.get(symbol);
    if (!bySymbol) series.set(symbol, (bySymbol = new Map()));
    let one = bySymbol.get(interval);
    if (!one) bySymbol.set(interval, (one = { bars: [], indicators: [] }));
    return one;
  };

  /** The open bar of every interval follows the ticks, so the chart moves before a bar closes. */
  const form = (tick: Tick): ChartBar[] => {
    const day = options.calendar.dayOf(tick.time);
    const changed: ChartBar[] = [];
    for (const { label, ms } of options.intervals) {
      const one = seriesOf(tick.symbol, label);
      const start = windowStart(day, tick.time, ms);
      const last = one.bars.at(-1);
      // A tick of a window that already closed (within the allowed lateness) changes nothing shown.
      if (last && start <= last.start) continue;
      let forming = one.forming;
      if (!forming || start > forming.start) {
        forming = {
          symbol: tick.symbol,
          interval: label,
          start,
          open: tick.price,
          high: tick.price,
          low: tick.price,
          close: tick.price,
          volume: 0,
          final: false,
        };
        one.forming = forming;
      } else if (start < forming.start) {
        continue;
      } else {
        forming.high = Math.max(forming.high, tick.price);
        forming.low = Math.min(forming.low, tick.price);
        forming.close = tick.price;
      }
      if (tick.dayVolume !== undefined) {
        if (forming.lastDayVolume !== undefined) forming.volume += Math.max(0, tick.dayVolume - forming.lastDayVolume);
        forming.lastDayVolume = tick.dayVolume;
      } else if (tick.size !== undefined) {
        forming.volume += tick.size;
      }
      const { lastDayVolume: _, ...shown } = forming;
      changed.push(shown);
    }
    return changed;
  };

  return {
    row(row, tick) {
      rows.set(row.symbol, row);
      if (tick && tick.backfill !== true && !liveFrom.has(tick.symbol)) liveFrom.set(tick.symbol, tick.time);
      send({ type: 'tick', row: tableRow(row), bars: tick ? form(tick) : [] });
    },

    output(output) {
      switch (output.kind) {
        case 'bar': {
          const { bar } = output;
          if (!bar.final) return;
          const one = seriesOf(bar.symbol, bar.interval);
          const shown: ChartBar = {
            symbol: bar.symbol,
            interval: bar.interval,
            start: bar.start,
            open: bar.open,
            high: bar.high,
            low: bar.low,
            close: bar.close,
            volume: bar.volume,
            final: true,
          };
          const live = liveFrom.get(bar.symbol);
          if (live === undefined || bar.end <= live) shown.history = true;
          one.bars.push(shown);
          capped(one.bars, MAX_BARS);
          if (one.forming && one.forming.start <= bar.start) one.forming = undefined;
          send({ type: 'bar', bar: shown });
          return;
        }
        case 'indicator': {
          const one = seriesOf(output.point.symbol, output.point.interval);
          one.indicators.push(output.point);
          capped(one.indicators, MAX_BARS);
          send({ type: 'indicator', point: output.point });
          return;
        }
        case 'alert':
          alerts.push(output.alert);
          capped(alerts, MAX_ALERTS);
          send({ type: 'alert', alert: output.alert });
          return;
        case 'tick':
          return;
      }
    },

    status(text, done) {
      if (text === status && done === finished) return;
      status = text;
      finished = done;
      send({ type: 'status', status, finished });
    },

    snapshot() {
      const bars: FeedSnapshot['bars'] = {};
      const indicators: FeedSnapshot['indicators'] = {};
      for (const [symbol, bySymbol] of series) {
        bars[symbol] = {};
        indicators[symbol] = {};
        for (const [interval, one] of bySymbol) {
          const forming = one.forming ? [(({ lastDayVolume: _, ...shown }) => shown)(one.forming)] : [];
          bars[symbol][interval] = [...one.bars, ...forming];
          indicators[symbol][interval] = [...one.indicators];
        }
      }
      const symbols = [...new Set([...options.symbols, ...rows.keys(), ...series.keys()])].sort();
      return {
        type: 'snapshot',
        source: options.source,
        intervals: options.intervals.map((interval) => interval.label),
        interval: options.interval,
        timezone: options.calendar.timezone,
        fields: pageFields(options.fields),
        symbols,
        rows: [...rows.values()].map(tableRow).sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
        bars,
        indicators,
        alerts: [...alerts],
        status,
        finished,
      };
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
