/**
 * Where a bar window lies. Intraday windows sit on a grid through the session open (so 1h bars of
 * New York start at 9:30, 10:30…; intervals that divide 30 minutes land on the usual clock grid) and
 * are cut at local midnight, so no window spans two trading days, even when a daylight-saving day
 * has 23 or 25 hours. A 1d window is the whole local day.
 */
import type { TradingDay } from '../calendar.ts';
import { DAY_MS } from '../settings.ts';

export function windowStart(day: TradingDay, time: number, intervalMs: number): number {
  if (intervalMs >= DAY_MS) return day.start;
  const start = day.open + Math.floor((time - day.open) / intervalMs) * intervalMs;
  return start < day.start ? day.start : start;
}

export function windowEnd(day: TradingDay, time: number, intervalMs: number): number {
  if (intervalMs >= DAY_MS) return day.end;
  const end = day.open + (Math.floor((time - day.open) / intervalMs) + 1) * intervalMs;
  return end > day.end ? day.end : end;
}
