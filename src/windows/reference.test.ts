/**
 * The window pipeline against a naive reference model written separately here (property-based,
 * fast-check; a failure prints its seed): random multi-day, multi-symbol streams — around local
 * midnight and on both DST change days of 2026 in New York — arrive in random order within the
 * allowed lateness. The reference sorts the ticks by event time, buckets them on the session grid
 * (found by asking Intl for local wall-clock times, not through the calendar code) and sums the
 * increases of cumulative day volume per trading day. Shipped defaults: windows as configured out
 * of the box (1m and 5m bars, 5 s lateness).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar, Tick, WindowOutput } from '../model.ts';
import { createWindowPipeline } from './pipeline.ts';
import { PINNED_NOW, windowsConfig } from './testing.ts';

const ZONE = 'America/New_York';
const LATENESS_MS = 5_000;
const INTERVALS = [
  ['1m', 60_000],
  ['5m', 300_000],
] as const;
const DAYS = ['2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-10-31', '2026-11-01', '2026-11-02'];

const wallClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** The instant New York's wall clock shows `date` `hh:mm` (New York is UTC−4 or UTC−5). */
function newYork(date: string, hhmm: string): number {
  for (const offset of ['-04:00', '-05:00']) {
    const time = Date.parse(`${date}T${hhmm}:00${offset}`);
    const parts = Object.fromEntries(wallClock.formatToParts(time).map((part) => [part.type, part.value]));
    if (`${parts.year}-${parts.month}-${parts.day}` === date && `${parts.hour}:${parts.minute}` === hhmm) return time;
  }
  throw new Error(`no ${date} ${hhmm} in New York`);
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function groupBy<K>(ticks: Tick[], key: (tick: Tick) => K): Map<K, Tick[]> {
  const groups = new Map<K, Tick[]>();
  for (const tick of ticks) groups.set(key(tick), [...(groups.get(key(tick)) ?? []), tick]);
  return groups;
}

interface RefDay {
  date: string;
  start: number;
  end: number;
  open: number;
}

const refDays: RefDay[] = DAYS.map((date) => ({
  date,
  start: newYork(date, '00:00'),
  end: newYork(nextDate(date), '00:00'),
  open: newYork(date, '09:30'),
}));

function refDayOf(time: number): RefDay {
  const day = refDays.find((d) => time >= d.start && time < d.end);
  if (!day) throw new Error('tick outside the generated days');
  return day;
}

function refWindow(time: number, length: number): [number, number] {
  const day = refDayOf(time);
  const k = Math.floor((time - day.open) / length);
  return [Math.max(day.start, day.open + k * length), Math.min(day.end, day.open + (k + 1) * length)];
}

interface RefBar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  ticks: number;
}

/** Sorted by event time: the first day volume a symbol reports is a baseline, then increases per day; a new day (a drop below the previous day's count) counts from 0. */
function reference(ticks: Tick[]): Map<string, RefBar> {
  const bars = new Map<string, RefBar>();
  const bySymbol = groupBy(
    [...ticks].sort((a, b) => a.time - b.time),
    (tick) => tick.symbol,
  );
  for (const [symbol, list] of bySymbol) {
    const marks = new Map<string, number>(); // by date, in date order
    for (const tick of list) {
      const date = refDayOf(tick.time).date;
      const dv = tick.dayVolume as number;
      let added = 0;
      const earlier = [...marks.keys()].filter((d) => d < date).pop();
      if (marks.has(date)) {
        added = Math.max(0, dv - (marks.get(date) as number));
        marks.set(date, Math.max(dv, marks.get(date) as number));
      } else if (earlier === undefined) {
        marks.set(date, dv); // the first value ever: a baseline
      } else if (dv < (marks.get(earlier) as number)) {
        added = dv; // a drop: the new day counts from 0
        marks.set(date, dv);
      } else {
        throw new Error('the generator lifts every day above the next one');
      }
      for (const [label, length] of INTERVALS) {
        const [start, end] = refWindow(tick.time, length);
        const key = `${symbol} ${label} ${start} ${end}`;
        const bar = bars.get(key);
        if (!bar)
          bars.set(key, {
            open: tick.price,
            high: tick.price,
            low: tick.price,
            close: tick.price,
            volume: added,
            ticks: 1,
          });
        else {
          bar.high = Math.max(bar.high, tick.price);
          bar.low = Math.min(bar.low, tick.price);
          bar.close = tick.price;
          bar.volume += added;
          bar.ticks += 1;
        }
      }
    }
  }
  return bars;
}

/** Per symbol, per generated day: ticks at distinct random times (some in the last seconds before midnight), rising day volume. */
const stream = fc
  .array(
    fc.record({
      symbol: fc.constantFrom('AAPL', 'BTC-USD', 'EURUSD=X'),
      day: fc.integer({ min: 0, max: DAYS.length - 1 }),
      offsets: fc.uniqueArray(
        fc.oneof(
          fc.integer({ min: 0, max: 86_399_999 }),
          fc.integer({ min: 86_390_000, max: 86_399_999 }),
          fc.integer({ min: 0, max: 10_000 }),
        ),
        { minLength: 1, maxLength: 25 },
      ),
      volumeSteps: fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 25, maxLength: 25 }),
      prices: fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 25, maxLength: 25 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((blocks) => {
    const ticks: Tick[] = [];
    const seen = new Set<string>();
    for (const block of blocks) {
      const key = `${block.symbol} ${block.day}`;
      if (seen.has(key)) continue; // one block per symbol and day, so every day's volume rises with time
      seen.add(key);
      const day = refDays[block.day] as RefDay;
      const times = block.offsets.map((offset) => day.start + (offset % (day.end - day.start))).sort((a, b) => a - b);
      let dayVolume = 0;
      times.forEach((time, i) => {
        if (i > 0 && time === times[i - 1]) return;
        dayVolume += block.volumeSteps[i] as number;
        ticks.push({ symbol: block.symbol, time, price: (block.prices[i] as number) / 100, dayVolume, source: 'test' });
      });
    }
    // Like a real feed, a new day starts below the previous day's count: lift each earlier day of a
    // symbol above every value of its next day (its increases stay as they were).
    for (const list of groupBy(ticks, (tick) => tick.symbol).values()) {
      const days = [...groupBy(list, (tick) => refDayOf(tick.time).start)]
        .sort(([a], [b]) => b - a)
        .map(([, dayTicks]) => dayTicks);
      for (let k = 1; k < days.length; k++) {
        const next = Math.max(...(days[k - 1] as Tick[]).map((tick) => tick.dayVolume as number));
        const lift = next + 1 - Math.min(...(days[k] as Tick[]).map((tick) => tick.dayVolume as number));
        if (lift > 0) for (const tick of days[k] as Tick[]) tick.dayVolume = (tick.dayVolume as number) + lift;
      }
    }
    return ticks;
  });

/**
 * Arrival order: each tick delayed by a random part of the allowed lateness, so none is late —
 * except each symbol's first tick, which arrives first: the baseline is by definition the first
 * day volume a consumer receives, so a stream that starts out of order has another baseline.
 */
const arrivals = (ticks: Tick[]) =>
  fc
    .array(fc.integer({ min: 0, max: LATENESS_MS }), { minLength: ticks.length, maxLength: ticks.length })
    .map((delays) => {
      const first = new Map<string, number>();
      for (const tick of ticks) first.set(tick.symbol, Math.min(first.get(tick.symbol) ?? Infinity, tick.time));
      const delayed = ticks.map((tick, i) => ({
        tick,
        at: tick.time + (first.get(tick.symbol) === tick.time ? 0 : (delays[i] as number)),
      }));
      return delayed.sort((a, b) => a.at - b.at).map((arrival) => arrival.tick);
    });

function runPipeline(order: Tick[]): Bar[] {
  const pipeline = createWindowPipeline(windowsConfig(), { clock: () => PINNED_NOW });
  const out: WindowOutput[] = [];
  for (const tick of order)
    expect(
      pipeline.push(tick, out, PINNED_NOW),
      `tick ${tick.symbol} ${new Date(tick.time).toISOString()} refused`,
    ).toBeUndefined();
  pipeline.onTimer(Number.MAX_SAFE_INTEGER, out);
  return out.flatMap((output) => (output.kind === 'bar' ? [output.bar] : []));
}

const keyOf = (bar: Bar) => `${bar.symbol} ${bar.interval} ${bar.start} ${bar.end}`;
const volumeByDay = (bars: Iterable<[string, number]>) => {
  const sums = new Map<string, number>();
  for (const [key, volume] of bars) sums.set(key, (sums.get(key) ?? 0) + volume);
  return sums;
};
const dayKey = (key: string) => {
  const [symbol, interval, start] = key.split(' ');
  return `${symbol} ${interval} ${refDayOf(Number(start)).date}`;
};

describe('window pipeline against the reference model (property-based)', () => {
  it("closes every bar with the OHLC and tick count of the reference, and conserves each day's volume, in any arrival order within the lateness", () => {
    fc.assert(
      fc.property(
        stream.chain((ticks) => arrivals(ticks).map((order) => ({ ticks, order }))),
        ({ ticks, order }) => {
          const bars = runPipeline(order);
          const expected = reference(ticks);
          expect(bars.every((bar) => bar.final)).toBe(true);
          expect(new Set(bars.map(keyOf))).toEqual(new Set(expected.keys()));
          for (const bar of bars) {
            const ref = expected.get(keyOf(bar)) as RefBar;
            expect(
              { open: bar.open, high: bar.high, low: bar.low, close: bar.close, ticks: bar.ticks },
              keyOf(bar),
            ).toEqual({ open: ref.open, high: ref.high, low: ref.low, close: ref.close, ticks: ref.ticks });
          }
          // Which bar of a day an out-of-order tick's volume lands in depends on the arrival order
          // (cumulative volume tells how much, not when); each day's total may not.
          const got = volumeByDay(bars.map((bar) => [dayKey(keyOf(bar)), bar.volume]));
          expect(got).toEqual(volumeByDay([...expected].map(([key, ref]) => [dayKey(key), ref.volume])));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('equals the reference bar for bar, volume and VWAP included, when ticks arrive in event-time order', () => {
    fc.assert(
      fc.property(stream, (ticks) => {
        const bars = runPipeline([...ticks].sort((a, b) => a.time - b.time));
        const expected = reference(ticks);
        expect(bars.length).toBe(expected.size);
        for (const bar of bars) {
          const ref = expected.get(keyOf(bar)) as RefBar;
          expect(
            { open: bar.open, high: bar.high, low: bar.low, close: bar.close, ticks: bar.ticks, volume: bar.volume },
            keyOf(bar),
          ).toEqual(ref);
          expect(Number.isFinite(bar.vwap) && bar.vwap >= bar.low - 1e-9 && bar.vwap <= bar.high + 1e-9).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
