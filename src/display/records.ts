/**
 * How a record looks, one module for every place that prints one: the NDJSON record of a window
 * output (the file and console sinks, watch --json, tail --json), the plain `kind  SYMBOL …
 * key=value` lines of bars, indicators and alerts (the console sink, watch's lines, tail), and the
 * tick summary watch and tail print for ticks.
 */
import type { Alert, Bar, IndicatorPoint, Tick, WindowOutput } from '../model.ts';
import { formatIso, formatPrice, formatSignedPercent, formatSignedPrice } from './format.ts';
import { changeOf, type SymbolRow } from './live-model.ts';

/** The flat NDJSON shape shared by the file and console sinks: the kind plus the record's own fields. */
export function outputRecord(output: WindowOutput): Record<string, unknown> {
  switch (output.kind) {
    case 'tick':
      return { kind: 'tick', ...output.tick };
    case 'bar':
      return { kind: 'bar', ...output.bar };
    case 'indicator':
      return { kind: 'indicator', ...output.point };
    case 'alert':
      return { kind: 'alert', ...output.alert };
  }
}

/** At most 4 decimals, no trailing zeros: exact enough for a log line, and greppable. */
function round(value: number): string {
  return String(Math.round(value * 10_000) / 10_000);
}

export function barText(bar: Bar): string {
  return `bar       ${bar.symbol} ${bar.interval} ${formatIso(bar.start)} o=${round(bar.open)} h=${round(bar.high)} l=${round(bar.low)} c=${round(bar.close)} v=${round(bar.volume)} vwap=${round(bar.vwap)} ticks=${bar.ticks}`;
}

export function indicatorText(point: IndicatorPoint): string {
  const values = Object.entries(point.values).map(([key, value]) => `${key}=${round(value)}`);
  return `indicator ${point.symbol} ${point.interval} ${formatIso(point.time)} ${values.join(' ')}${point.trend ? ` trend=${point.trend}` : ''}`;
}

export function alertText(alert: Alert): string {
  return `alert     ${alert.symbol} ${alert.severity} ${alert.rule} ${formatIso(alert.time)} ${alert.message}`;
}

export function outputText(output: WindowOutput): string | undefined {
  switch (output.kind) {
    case 'bar':
      return output.bar.final ? barText(output.bar) : undefined;
    case 'indicator':
      return indicatorText(output.point);
    case 'alert':
      return alertText(output.alert);
    default:
      return undefined;
  }
}

export interface TickSummary {
  kind: 'tick-summary';
  symbol: string;
  time: number;
  price: number;
  /** What change is measured against (previous close, or a stand-in named by referenceKind). */
  reference?: number;
  referenceKind?: string;
  change?: number;
  changePct?: number;
  dayHigh?: number;
  dayLow?: number;
  dayVolume?: number;
  marketState?: string;
  /** Final bars of the watched interval so far; unknown for a tick read on its own (`tail`). */
  bars?: number;
}

export function tickSummary(row: SymbolRow): TickSummary | undefined {
  if (row.price === undefined || row.time === undefined) return undefined;
  const change = changeOf(row);
  return {
    kind: 'tick-summary',
    symbol: row.symbol,
    time: row.time,
    price: row.price,
    reference: row.reference,
    referenceKind: row.referenceKind,
    change: change?.absolute,
    changePct: change?.percent,
    dayHigh: row.dayHigh,
    dayLow: row.dayLow,
    dayVolume: row.dayVolume,
    marketState: row.marketState,
    bars: row.bars,
  };
}

/**
 * A tick on its own, as `tail` reads it from the topic: no row history, so the change is against
 * the tick's own previous close (the reference watch prefers too) and there is no bar count.
 */
export function tickOnlySummary(tick: Tick): TickSummary {
  const reference = tick.previousClose;
  const change =
    reference !== undefined && reference !== 0
      ? changeOf({ symbol: tick.symbol, price: tick.price, reference, ticks: 1, closes: [], bars: 0, indicators: {} })
      : undefined;
  return {
    kind: 'tick-summary',
    symbol: tick.symbol,
    time: tick.time,
    price: tick.price,
    reference,
    referenceKind: reference === undefined ? undefined : 'previous-close',
    change: change?.absolute,
    changePct: change?.percent,
    dayHigh: tick.dayHigh,
    dayLow: tick.dayLow,
    dayVolume: tick.dayVolume,
    marketState: tick.marketState,
  };
}

const MARKET_WORD: Record<string, string> = { PRE: 'pre', REGULAR: 'open', POST: 'post', CLOSED: 'closed' };

/**
 * `tick      AAPL 2026-03-02T14:31:05.000Z last=187.23 chg=+1.23 chg%=+0.66 low=185.10 high=188.00 vol=1234567 bars=12 market=open`
 * — the key=value shape of the console sink's bar and alert lines, so one grep or awk fits all.
 */
export function summaryLine(summary: TickSummary): string {
  const parts = [`tick      ${summary.symbol} ${formatIso(summary.time)} last=${formatPrice(summary.price)}`];
  if (summary.change !== undefined && summary.changePct !== undefined) {
    parts.push(
      `chg=${formatSignedPrice(summary.change, summary.price)} chg%=${formatSignedPercent(summary.changePct)}`,
    );
  }
  if (summary.dayLow !== undefined && summary.dayHigh !== undefined)
    parts.push(`low=${formatPrice(summary.dayLow)} high=${formatPrice(summary.dayHigh)}`);
  if (summary.dayVolume !== undefined) parts.push(`vol=${Math.round(summary.dayVolume)}`);
  if (summary.bars !== undefined) parts.push(`bars=${summary.bars}`);
  if (summary.marketState !== undefined)
    parts.push(`market=${MARKET_WORD[summary.marketState] ?? summary.marketState}`);
  return parts.join(' ');
}
