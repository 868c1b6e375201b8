/**
 * Tumbling OHLCV bars in event time, one set of open windows per configured interval. Open is the
 * price of the earliest event time and close the price of the latest, whatever the arrival order.
 */
import type { Bar, Tick, WindowOutput } from '../../model.ts';
import { formatDuration } from '../../util/duration.ts';
import type { OperatorEnv, TickOperator, TickOperatorModule } from '../types.ts';
import { windowEnd, windowStart } from './grid.ts';
import { reviveDayMarks, volumeDelta, type DayVolumeState } from './volume.ts';

/** A window that has seen ticks and is not closed yet. */
export interface OpenBar {
  start: number;
  end: number;
  open: number;
  openTime: number;
  high: number;
  low: number;
  close: number;
  closeTime: number;
  volume: number;
  /** Sum of price × volume, for the VWAP. */
  priceVolume: number;
  ticks: number;
  /** Changed since the last interim emission. */
  changed: boolean;
}

export interface BarsState extends DayVolumeState {
  symbol: string;
  /** Interval labels of `open`, so a snapshot still fits after the config changed. */
  intervals: string[];
  /** Open windows per interval (same order as `intervals`), oldest first. */
  open: OpenBar[][];
  exchange?: string;
}

export function createBarsOperator(env: OperatorEnv): TickOperator<BarsState> {
  const { calendar, settings } = env;
  const labels = settings.intervals.map((interval) => interval.label);
  const lengths = settings.intervals.map((interval) => interval.ms);
  const count = lengths.length;

  function createState(symbol: string): BarsState {
    return { symbol, intervals: labels.slice(), open: labels.map(() => []), dayMarks: [] };
  }

  function lateReason(tick: Tick, watermark: number, index: number, end: number): string {
    const length = lengths[index] ?? 0;
    return (
      `late tick: event time ${iso(tick.time)} is behind the watermark ${iso(watermark)} of ${tick.symbol}; ` +
      `its ${labels[index]} window ending ${iso(end)} was already closed (allowed lateness ${formatDuration(settings.latenessMs)}, ` +
      `interval ${formatDuration(length)})`
    );
  }

  return {
    name: 'bars',
    createState,

    reviveState(symbol, saved) {
      const state = createState(symbol);
      const old = saved as Partial<BarsState> | undefined;
      if (!old || !Array.isArray(old.intervals) || !Array.isArray(old.open)) return state;
      for (let i = 0; i < count; i++) {
        const at = old.intervals.indexOf(labels[i] ?? '');
        const windows = at >= 0 ? old.open[at] : undefined;
        if (Array.isArray(windows)) state.open[i] = windows;
      }
      state.dayMarks = reviveDayMarks(old);
      if (typeof old.exchange === 'string') state.exchange = old.exchange;
      return state;
    },

    addTick(state, tick, watermark) {
      const time = tick.time;
      const day = calendar.dayOf(time);
      for (let i = 0; i < count; i++) {
        const end = windowEnd(day, time, lengths[i] as number);
        if (end <= watermark) return lateReason(tick, watermark, i, end);
      }
      const volume = volumeDelta(state, tick, day.start);
      const price = tick.price;
      for (let i = 0; i < count; i++) {
        const length = lengths[i] as number;
        const bar = openBarAt(
          state.open[i] as OpenBar[],
          windowStart(day, time, length),
          windowEnd(day, time, length),
          tick,
        );
        if (time < bar.openTime) {
          bar.open = price;
          bar.openTime = time;
        }
        if (time >= bar.closeTime) {
          bar.close = price;
          bar.closeTime = time;
        }
        if (price > bar.high) bar.high = price;
        if (price < bar.low) bar.low = price;
        bar.volume += volume;
        bar.priceVolume += price * volume;
        bar.ticks++;
        bar.changed = true;
      }
      if (tick.exchange !== undefined) state.exchange = tick.exchange;
      return undefined;
    },

    close(state, watermark, closed) {
      for (let i = 0; i < count; i++) {
        const windows = state.open[i] as OpenBar[];
        let closing = 0;
        while (closing < windows.length && (windows[closing] as OpenBar).end <= watermark) {
          closed.push(toBar(state, labels[i] as string, windows[closing] as OpenBar, true));
          closing++;
        }
        if (closing > 0) windows.splice(0, closing);
      }
    },

    interim(state, out: WindowOutput[]) {
      for (let i = 0; i < count; i++) {
        for (const bar of state.open[i] as OpenBar[]) {
          if (!bar.changed) continue;
          bar.changed = false;
          out.push({ kind: 'bar', bar: toBar(state, labels[i] as string, bar, false) });
        }
      }
    },

    oldestOpenWindow(state) {
      let oldest: number | undefined;
      for (const windows of state.open) {
        const first = windows[0];
        if (first !== undefined && (oldest === undefined || first.start < oldest)) oldest = first.start;
      }
      return oldest;
    },
  };
}

/** The open window starting at `start`, created (in start order) when it has no tick yet. */
function openBarAt(windows: OpenBar[], start: number, end: number, tick: Tick): OpenBar {
  let at = windows.length;
  while (at > 0) {
    const candidate = windows[at - 1] as OpenBar;
    if (candidate.start === start) return candidate;
    if (candidate.start < start) break;
    at--;
  }
  const price = tick.price;
  const bar: OpenBar = {
    start,
    end,
    open: price,
    openTime: tick.time,
    high: price,
    low: price,
    close: price,
    closeTime: tick.time,
    volume: 0,
    priceVolume: 0,
    ticks: 0,
    changed: false,
  };
  windows.splice(at, 0, bar);
  return bar;
}

function toBar(state: BarsState, interval: string, open: OpenBar, final: boolean): Bar {
  const bar: Bar = {
    symbol: state.symbol,
    interval,
    start: open.start,
    end: open.end,
    open: open.open,
    high: open.high,
    low: open.low,
    close: open.close,
    volume: open.volume,
    vwap: open.volume > 0 ? open.priceVolume / open.volume : open.close,
    ticks: open.ticks,
    final,
  };
  if (state.exchange !== undefined) bar.exchange = state.exchange;
  return bar;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

export const barsModule: TickOperatorModule = {
  name: 'bars',
  stage: 'ticks',
  description: 'Tumbling OHLCV bars in event time, aligned to the exchange session, with VWAP and tick count.',
  example:
    "windows: { allowedLateness: '5s', idleTimeout: '10s', bars: { intervals: ['1m', '5m', '1h'], interim: '1s' } }",
  create: (_windows, env) => createBarsOperator(env),
};
