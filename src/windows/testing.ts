/** Helpers for the window operator tests (kept out of the test files so they do not repeat). */
import { configSchema, type UserConfig } from '../config/schema.ts';
import type { Bar, Tick, WindowOutput } from '../model.ts';
import { SessionCalendar } from './calendar.ts';
import { parseWindowSettings } from './settings.ts';
import type { WindowsConfig } from './settings.ts';
import type { OperatorEnv } from './types.ts';

/** The resolved `windows` config, from the same schema the CLI uses. */
export function windowsConfig(windows: NonNullable<UserConfig['windows']> = {}): WindowsConfig {
  return configSchema.parse({ windows }).windows;
}

export function operatorEnv(windows: WindowsConfig): OperatorEnv {
  const settings = parseWindowSettings(windows);
  return { settings, calendar: new SessionCalendar(settings.timezone) };
}

/**
 * A wall clock pinned after every tick the tests use, for tests that do not care about the clock:
 * a clock pinned at 0 (1970) would make every tick "future" (windows.maxFutureSkew).
 */
export const PINNED_NOW = Date.UTC(2030, 0, 1);

/** Epoch ms of an ISO time with an explicit offset, like `2024-03-11T09:30:00-04:00`. */
export function at(iso: string): number {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new Error(`bad test time ${iso}`);
  return time;
}

export function makeTick(symbol: string, time: number, price: number, extra: Partial<Tick> = {}): Tick {
  return { symbol, time, price, source: 'test', ...extra };
}

export function makeBar(fields: Partial<Bar> & Pick<Bar, 'start' | 'close'>): Bar {
  const interval = fields.interval ?? '1m';
  return {
    symbol: 'AAPL',
    interval,
    end: fields.start + 60_000,
    open: fields.close,
    high: fields.close,
    low: fields.close,
    volume: 0,
    vwap: fields.close,
    ticks: 1,
    final: true,
    ...fields,
  };
}

export function barsIn(out: WindowOutput[], interval?: string): Bar[] {
  const bars: Bar[] = [];
  for (const output of out)
    if (output.kind === 'bar' && (interval === undefined || output.bar.interval === interval)) bars.push(output.bar);
  return bars;
}

/** A small deterministic PRNG (mulberry32), so random tests replay. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
