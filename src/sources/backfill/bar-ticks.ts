/**
 * Bars → ticks, for the backfill, replayed bar files and the stream's gap fill.
 *
 * The mapping: each bar becomes one tick at its open time, priced at its close. The tick's day
 * volume is the running sum of the bar volumes of that symbol's trading day (reset at local
 * midnight of the exchange), so `consume`, which takes a bar's volume as the increase of day volume,
 * rebuilds the original bar volumes. Day high/low/open are running values of the day's bars.
 * Bars without a close (Yahoo sends nulls for minutes without trades) are skipped.
 */
import type { Tick } from '../../model.ts';
import { SessionCalendar } from '../../windows/calendar.ts';
import { nonNegative, positive } from '../fields.ts';
import { marketStateAt } from '../market-hours.ts';

export interface BarRow {
  /** Bar open time, epoch ms. */
  time: number;
  open?: number | null;
  high?: number | null;
  low?: number | null;
  close?: number | null;
  volume?: number | null;
}

export interface BarMeta {
  /** Exchange time zone (Yahoo's exchangeTimezoneName); New York when unknown. */
  timezone?: string;
  currency?: string;
  exchange?: string;
}

interface DayTally {
  day: number;
  dayVolume: number;
  open: number;
  high: number;
  low: number;
}

export interface BarTicker {
  /** Ticks for consecutive bars of one symbol; day volume carries over between calls. */
  ticks(symbol: string, bars: BarRow[], meta?: BarMeta): Tick[];
  /** Continues a day whose volume is already known (the stream's last state before a gap). */
  seed(
    symbol: string,
    tick: Pick<Tick, 'time' | 'price' | 'dayVolume' | 'open' | 'dayHigh' | 'dayLow'>,
    timezone?: string,
  ): void;
}

const NEW_YORK = 'America/New_York';

export function createBarTicker(options: { source: string; backfill?: boolean }): BarTicker {
  const calendars = new Map<string, SessionCalendar>();
  const tallies = new Map<string, DayTally>();
  const calendar = (timezone = NEW_YORK) => {
    let c = calendars.get(timezone);
    if (!c) calendars.set(timezone, (c = new SessionCalendar(timezone)));
    return c;
  };

  return {
    seed(symbol, tick, timezone) {
      tallies.set(symbol, {
        day: calendar(timezone).dayOf(tick.time).start,
        dayVolume: tick.dayVolume ?? 0,
        open: tick.open ?? tick.price,
        high: tick.dayHigh ?? tick.price,
        low: tick.dayLow ?? tick.price,
      });
    },
    ticks(symbol, bars, meta = {}) {
      const days = calendar(meta.timezone);
      const out: Tick[] = [];
      for (const bar of bars) {
        const close = positive(bar.close);
        if (close === undefined) continue;
        const day = days.dayOf(bar.time).start;
        let tally = tallies.get(symbol);
        if (!tally || tally.day !== day) {
          tally = { day, dayVolume: 0, open: positive(bar.open) ?? close, high: close, low: close };
          tallies.set(symbol, tally);
        }
        tally.dayVolume += nonNegative(bar.volume) ?? 0;
        tally.high = Math.max(tally.high, positive(bar.high) ?? close);
        tally.low = Math.min(tally.low, positive(bar.low) ?? close);
        const tick: Tick = {
          symbol,
          time: bar.time,
          price: close,
          source: options.source,
          dayVolume: tally.dayVolume,
          dayHigh: tally.high,
          dayLow: tally.low,
          open: tally.open,
        };
        if (meta.currency) tick.currency = meta.currency;
        if (meta.exchange) tick.exchange = meta.exchange;
        if ((meta.timezone ?? NEW_YORK) === NEW_YORK) tick.marketState = marketStateAt(bar.time);
        if (options.backfill) tick.backfill = true;
        out.push(tick);
      }
      return out;
    },
  };
}
