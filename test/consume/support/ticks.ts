/**
 * A deterministic tick stream for the consume tests: a few symbols trading through one regular
 * session, with a price drop and a volume burst so alerts fire, and the expected outputs computed
 * by running the same stream through createWindowPipeline.
 */
import type { Config } from '../../../src/config/schema.ts';
import {
  encodeTick,
  type Alert,
  type Bar,
  type IndicatorPoint,
  type Tick,
  type WindowOutput,
} from '../../../src/model.ts';
import { createWindowPipeline } from '../../../src/windows/index.ts';
import { seededRandom } from '../../../src/windows/testing.ts';

/** Tuesday 6 January 2026, 9:30 in New York: a regular session. */
export const SESSION_OPEN = Date.parse('2026-01-06T14:30:00Z');

export interface StreamOptions {
  seed: number;
  symbols: string[];
  minutes: number;
  start?: number;
}

/** Ticks in event-time order; each symbol's times strictly increase. */
export function tickStream({ seed, symbols, minutes, start = SESSION_OPEN }: StreamOptions): Tick[] {
  const random = seededRandom(seed);
  const end = start + minutes * 60_000;
  const state = symbols.map((symbol, i) => ({
    symbol,
    time: start + i * 37,
    price: 100 + 50 * i,
    dayVolume: 10_000 * (i + 1),
  }));
  const ticks: Tick[] = [];
  for (;;) {
    const s = state.reduce((a, b) => (b.time < a.time ? b : a));
    if (s.time >= end) break;
    const minute = Math.floor((s.time - start) / 60_000);
    // symbol 0 falls 3% over minutes 25–27 (price-change and volatility alerts); symbol 1 trades
    // ten times its usual volume in minute 40 (volume spike).
    const drift = s === state[0] && minute >= 25 && minute < 27 ? -0.0012 : 0;
    s.price = Math.round(s.price * (1 + drift + (random() - 0.5) * 0.001) * 10_000) / 10_000;
    s.dayVolume += Math.floor(random() * 300) * (s === state[1] && minute === 40 ? 10 : 1);
    const tick: Tick = { symbol: s.symbol, time: s.time, price: s.price, dayVolume: s.dayVolume, source: 'test' };
    if (random() < 0.5) {
      tick.bid = Math.round((s.price - 0.01) * 100) / 100;
      tick.ask = Math.round((s.price + 0.01) * 100) / 100;
    }
    ticks.push(tick);
    s.time += 200 + Math.floor(random() * 1_000);
  }
  return ticks;
}

/** One more tick per symbol ten minutes after its last, so every window of the stream closes. */
export function closingTicks(ticks: Tick[]): Tick[] {
  const last = new Map<string, Tick>();
  for (const tick of ticks) last.set(tick.symbol, tick);
  return [...last.values()].map((tick) => ({
    ...tick,
    time: tick.time + 10 * 60_000,
    dayVolume: (tick.dayVolume ?? 0) + 1,
  }));
}

/**
 * The results without the windows that hold only closing ticks (those start after `lastTime`, the
 * last tick of the stream proper). On the shipped defaults the idle timer closes those windows once
 * the consumer has been caught up and quiet for `windows.idleTimeout`, so whether they are stored
 * when a test reads back depends on how long the test ran after its last tick, not on the product.
 */
export function beforeClosingTicks(results: Results, lastTime: number): Results {
  return {
    bars: results.bars.filter((bar) => bar.start <= lastTime),
    indicators: results.indicators.filter((point) => point.time <= lastTime),
    alerts: results.alerts.filter((alert) => alert.time <= lastTime),
  };
}

export interface Message {
  key: string | null;
  value: string;
}

export function tickMessages(ticks: Tick[]): Message[] {
  return ticks.map((tick) => ({ key: tick.symbol, value: encodeTick(tick) }));
}

export interface Results {
  bars: Bar[];
  indicators: IndicatorPoint[];
  alerts: Alert[];
}

/** What the consumer must produce from these ticks (per-symbol order is all the windows see). */
export function expectedResults(windows: Config['windows'], ticks: Tick[]): Results {
  // Arrival now, like the consumer's: the ticks are history, nothing future.
  const now = Date.now();
  const pipeline = createWindowPipeline(windows, { clock: () => now });
  const out: WindowOutput[] = [];
  for (const tick of ticks) pipeline.push(tick, out, now);
  return normalize(out);
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export const barKey = (bar: Bar) => `${bar.symbol}|${bar.interval}|${bar.start}`;
export const pointKey = (point: IndicatorPoint) => `${point.symbol}|${point.interval}|${point.time}`;
export const alertKey = (alert: Alert) => `${alert.symbol}|${alert.rule}|${alert.time}`;

/** Final bars, indicator points and alerts in a stable order, with only the compared fields. */
export function normalize(outputs: WindowOutput[]): Results {
  const bars = new Map<string, Bar>();
  const indicators = new Map<string, IndicatorPoint>();
  const alerts = new Map<string, Alert>();
  for (const output of outputs) {
    if (output.kind === 'bar' && output.bar.final) bars.set(barKey(output.bar), canonicalBar(output.bar));
    else if (output.kind === 'indicator') indicators.set(pointKey(output.point), canonicalPoint(output.point));
    else if (output.kind === 'alert') alerts.set(alertKey(output.alert), canonicalAlert(output.alert));
  }
  return {
    bars: sortBy([...bars.values()], barKey),
    indicators: sortBy([...indicators.values()], pointKey),
    alerts: sortBy([...alerts.values()], alertKey),
  };
}

export function canonicalBar(bar: Bar): Bar {
  const { symbol, interval, start, end, open, high, low, close, volume, vwap, ticks, final } = bar;
  return { symbol, interval, start, end, open, high, low, close, volume, vwap, ticks, final };
}

export function canonicalPoint(point: IndicatorPoint): IndicatorPoint {
  const values = Object.fromEntries(Object.entries(point.values).sort(([a], [b]) => a.localeCompare(b)));
  return {
    symbol: point.symbol,
    interval: point.interval,
    time: point.time,
    values,
    ...(point.trend ? { trend: point.trend } : {}),
  };
}

export function canonicalAlert(alert: Alert): Alert {
  const { symbol, rule, type, severity, interval, time, message, value, threshold } = alert;
  return { symbol, rule, type, severity, interval, time, message, value, threshold };
}

export function sortResults(results: Results): Results {
  return {
    bars: sortBy(results.bars, barKey),
    indicators: sortBy(results.indicators, pointKey),
    alerts: sortBy(results.alerts, alertKey),
  };
}
