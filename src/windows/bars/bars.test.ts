import { describe, expect, it } from 'vitest';
import type { UserConfig } from '../../config/schema.ts';
import type { Bar, Tick, WindowOutput } from '../../model.ts';
import { createWindowPipeline } from '../pipeline.ts';
import { at, barsIn, makeTick, windowsConfig, PINNED_NOW } from '../testing.ts';
import type { LateTick } from '../types.ts';
import { barsModule } from './bars.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A pipeline with only the bars operator (1m bars unless told); the clock is pinned so nothing here depends on it. */
function barsPipeline(windows: NonNullable<UserConfig['windows']> = {}) {
  return createWindowPipeline(windowsConfig({ allowedLateness: '5s', bars: { intervals: ['1m'] }, ...windows }), {
    operators: [barsModule],
    clock: () => PINNED_NOW,
  });
}

/** Pushes the ticks, then lets the idle timer close every window. */
function run(
  ticks: Tick[],
  windows: NonNullable<UserConfig['windows']> = {},
): { out: WindowOutput[]; late: LateTick[] } {
  const pipeline = barsPipeline(windows);
  const out: WindowOutput[] = [];
  const late: LateTick[] = [];
  for (const tick of ticks) {
    const rejected = pipeline.push(tick, out);
    if (rejected) late.push(rejected);
  }
  pipeline.onTimer(Number.MAX_SAFE_INTEGER, out);
  return { out, late };
}

const t0 = at('2024-03-11T09:30:00-04:00');

describe('bars', () => {
  it('builds OHLCV, VWAP and tick count for a hand-checked minute', () => {
    const ticks = [
      makeTick('AAPL', t0 + 5_000, 100, { dayVolume: 1_000, exchange: 'NMS' }), // first dayVolume: baseline only
      makeTick('AAPL', t0 + 20_000, 101, { dayVolume: 1_500 }), // +500
      makeTick('AAPL', t0 + 40_000, 99.5, { dayVolume: 1_600 }), // +100
      makeTick('AAPL', t0 + 59_999, 100.5, { dayVolume: 2_000 }), // +400
      makeTick('AAPL', t0 + 65_000, 102, { dayVolume: 2_600 }), // next minute, +600; closes the first
    ];
    const pipeline = barsPipeline({ bars: { intervals: ['1m', '5m'] } });
    const out: WindowOutput[] = [];
    for (const tick of ticks.slice(0, 4)) expect(pipeline.push(tick, out)).toBeUndefined();
    expect(out).toEqual([]); // the watermark (59.999 s − 5 s) has not reached 9:31 yet
    pipeline.push(ticks[4] as Tick, out);
    expect(barsIn(out)).toEqual([
      {
        symbol: 'AAPL',
        interval: '1m',
        start: t0,
        end: t0 + MINUTE,
        open: 100,
        high: 101,
        low: 99.5,
        close: 100.5,
        volume: 1_000,
        vwap: (101 * 500 + 99.5 * 100 + 100.5 * 400) / 1_000,
        ticks: 4,
        final: true,
        exchange: 'NMS',
      },
    ]);
    pipeline.onTimer(Number.MAX_SAFE_INTEGER, out);
    const fiveMinutes = barsIn(out, '5m');
    expect(fiveMinutes).toHaveLength(1);
    expect(fiveMinutes[0]).toMatchObject({
      start: t0,
      end: t0 + 5 * MINUTE,
      open: 100,
      high: 102,
      low: 99.5,
      close: 102,
      volume: 1_600,
      ticks: 5,
    });
  });

  it('takes open and close by event time, not arrival order, within the lateness', () => {
    const { out, late } = run([
      makeTick('MSFT', t0 + 30_000, 10),
      makeTick('MSFT', t0 + 10_000, 9),
      makeTick('MSFT', t0 + 50_000, 12),
      makeTick('MSFT', t0 + 45_000, 11),
      makeTick('MSFT', t0 + 62_000, 13),
      makeTick('MSFT', t0 + 58_000, 8), // 4 s late, but the watermark (57 s) has not closed 9:30 yet
    ]);
    expect(late).toEqual([]);
    const [first, second] = barsIn(out);
    expect(first).toMatchObject({ start: t0, open: 9, high: 12, low: 8, close: 8, ticks: 5, volume: 0, vwap: 8 });
    expect(second).toMatchObject({ start: t0 + MINUTE, open: 13, close: 13, ticks: 1 });
  });

  it('rejects a tick whose window closed, saying why, and leaves the closed bar alone', () => {
    const pipeline = barsPipeline();
    const out: WindowOutput[] = [];
    pipeline.push(makeTick('MSFT', t0 + 10_000, 10), out);
    pipeline.push(makeTick('MSFT', t0 + 66_000, 11), out); // watermark 9:31:01 closes 9:30
    expect(barsIn(out)).toHaveLength(1);
    const late = pipeline.push(makeTick('MSFT', t0 + 59_000, 99), out);
    expect(late?.tick.price).toBe(99);
    expect(late?.reason).toMatch(
      /late tick: event time 2024-03-11T13:30:59.000Z is behind the watermark 2024-03-11T13:31:01.000Z/,
    );
    expect(late?.reason).toMatch(/1m window ending 2024-03-11T13:31:00.000Z/);
    pipeline.onTimer(Number.MAX_SAFE_INTEGER, out);
    const bars = barsIn(out);
    expect(bars.map((bar) => [bar.start, bar.high, bar.ticks])).toEqual([
      [t0, 10, 1],
      [t0 + MINUTE, 11, 1],
    ]);
  });

  it('rejects a tick that is late for one interval from every interval, so they always agree', () => {
    const { out, late } = run(
      [makeTick('MSFT', t0 + 10_000, 10), makeTick('MSFT', t0 + 66_000, 11), makeTick('MSFT', t0 + 59_000, 99)],
      { bars: { intervals: ['1m', '5m'] } },
    );
    expect(late).toHaveLength(1);
    expect(barsIn(out, '5m')[0]).toMatchObject({ high: 11, ticks: 2 });
  });

  it('counts day volume from 0 after the drop at a new trading day, and not the stale pre-market repeat', () => {
    const day1 = at('2024-03-08T15:58:00-05:00');
    const day2 = at('2024-03-11T09:30:00-04:00');
    const { out } = run(
      [
        makeTick('NVDA', day1, 100, { dayVolume: 9_000 }),
        makeTick('NVDA', day1 + 30_000, 101, { dayVolume: 9_400 }),
        makeTick('NVDA', day1 + 70_000, 102, { dayVolume: 10_000 }),
        makeTick('NVDA', at('2024-03-11T08:00:00-04:00'), 103, { dayVolume: 10_000 }), // pre-market, yesterday's volume
        makeTick('NVDA', day2 + 1_000, 104, { dayVolume: 300 }),
        makeTick('NVDA', day2 + 20_000, 105, { dayVolume: 700 }),
        makeTick('NVDA', day2 + 15_000, 104.5, { dayVolume: 650 }), // out of order: carried by the 700 already
      ],
      {},
    );
    expect(barsIn(out).map((bar) => [bar.start, bar.volume])).toEqual([
      [day1, 400],
      [day1 + MINUTE, 600],
      [at('2024-03-11T08:00:00-04:00'), 0],
      [day2, 700],
    ]);
    expect(barsIn(out)[3]?.vwap).toBeCloseTo((104 * 300 + 105 * 400) / 700, 12);
  });

  it('sums trade sizes when the source has no day volume, and uses the close as VWAP without volume', () => {
    const { out } = run([
      makeTick('X', t0 + 1_000, 10, { size: 100 }),
      makeTick('X', t0 + 2_000, 20, { size: 300 }),
      makeTick('Y', t0 + 1_000, 7),
      makeTick('Y', t0 + 2_000, 8),
    ]);
    const [x, y] = barsIn(out);
    expect(x).toMatchObject({ symbol: 'X', volume: 400, vwap: (10 * 100 + 20 * 300) / 400 });
    expect(y).toMatchObject({ symbol: 'Y', volume: 0, vwap: 8 });
  });

  it('starts 1h bars at 9:30, 10:30… New York time, before and after the DST change', () => {
    for (const offset of ['-05:00', '-04:00']) {
      const date = offset === '-05:00' ? '2024-03-08' : '2024-03-11';
      const times = ['09:29:59', '09:30:00', '10:29:59', '10:30:00'].map((time) => at(`${date}T${time}${offset}`));
      const { out } = run(
        times.map((time, i) => makeTick('SPY', time, 500 + i)),
        { bars: { intervals: ['1h'] } },
      );
      expect(barsIn(out).map((bar) => [bar.start, bar.end, bar.ticks])).toEqual([
        [at(`${date}T08:30:00${offset}`), at(`${date}T09:30:00${offset}`), 1],
        [at(`${date}T09:30:00${offset}`), at(`${date}T10:30:00${offset}`), 2],
        [at(`${date}T10:30:00${offset}`), at(`${date}T11:30:00${offset}`), 1],
      ]);
    }
  });

  it('keeps 1h bars one real hour long across the spring-forward jump, and the 1d bar 23 hours', () => {
    const beforeJump = at('2024-03-10T01:45:00-05:00');
    const open = at('2024-03-10T09:45:00-04:00');
    const { out } = run([makeTick('BTC-USD', beforeJump, 1), makeTick('BTC-USD', open, 2)], {
      bars: { intervals: ['1h', '1d'] },
    });
    expect(barsIn(out, '1h').map((bar) => [bar.start, bar.end])).toEqual([
      [at('2024-03-10T01:30:00-05:00'), at('2024-03-10T03:30:00-04:00')], // 1:30 EST to 3:30 EDT is one hour
      [at('2024-03-10T09:30:00-04:00'), at('2024-03-10T10:30:00-04:00')],
    ]);
    expect(barsIn(out, '1d').map((bar) => [bar.start, bar.end - bar.start, bar.ticks])).toEqual([
      [at('2024-03-10T00:00:00-05:00'), 23 * HOUR, 2],
    ]);
  });

  it('cuts a window at local midnight so no bar spans two trading days', () => {
    const { out } = run(
      [
        makeTick('BTC-USD', at('2024-06-03T23:45:00-04:00'), 1),
        makeTick('BTC-USD', at('2024-06-04T00:10:00-04:00'), 2),
      ],
      {
        bars: { intervals: ['1h'] },
      },
    );
    expect(barsIn(out).map((bar) => [bar.start, bar.end])).toEqual([
      [at('2024-06-03T23:30:00-04:00'), at('2024-06-04T00:00:00-04:00')],
      [at('2024-06-04T00:00:00-04:00'), at('2024-06-04T00:30:00-04:00')],
    ]);
  });

  it('aligns intervals that divide 30 minutes with the plain epoch grid', () => {
    const intervals = { '1m': MINUTE, '5m': 5 * MINUTE, '15m': 15 * MINUTE, '30m': 30 * MINUTE };
    const times = [
      at('2024-01-02T03:07:11-05:00'),
      at('2024-07-02T11:59:59.999-04:00'),
      at('2024-11-03T01:30:00-05:00'),
    ];
    const { out } = run(
      times.map((time) => makeTick('QQQ', time, 1)),
      { bars: { intervals: Object.keys(intervals) } },
    );
    for (const [label, ms] of Object.entries(intervals)) {
      expect(barsIn(out, label).map((bar: Bar) => bar.start)).toEqual(times.map((time) => Math.floor(time / ms) * ms));
    }
  });
});
