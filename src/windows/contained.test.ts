/**
 * Regression tests of issue 14 (every bad tick is contained) and issue 15 defect 4, on the window
 * pipeline with the shipped defaults (only the bar intervals are narrowed, to read the results).
 */
import { describe, expect, it } from 'vitest';
import type { WindowOutput } from '../model.ts';
import { barsModule } from './bars/bars.ts';
import { createWindowPipeline } from './pipeline.ts';
import { at, barsIn, makeTick, PINNED_NOW, windowsConfig } from './testing.ts';

const MINUTE = 60_000;

function pipelineAt(now: () => number, intervals = ['1m']) {
  return createWindowPipeline(windowsConfig({ bars: { intervals } }), { operators: [barsModule], clock: now });
}

describe('far-future ticks (windows.maxFutureSkew)', () => {
  it('dead-letters a tick stamped beyond the skew as future, and the symbol stays healthy', () => {
    let now = at('2026-03-10T10:00:00-04:00');
    const pipeline = pipelineAt(() => now);
    const out: WindowOutput[] = [];
    expect(pipeline.push(makeTick('AAPL', now, 100), out)).toBeUndefined();
    const future = pipeline.push(makeTick('AAPL', Date.UTC(2100, 0, 1), 100), out);
    expect(future?.stage).toBe('future');
    expect(future?.reason).toMatch(/^future tick: .* more than windows\.maxFutureSkew 1m; check the source's clock$/);
    // Every later good tick is still accepted (on main the year-2100 tick made them all late).
    for (let i = 1; i <= 5; i++) {
      now += 20_000;
      expect(pipeline.push(makeTick('AAPL', now, 100 + i), out)).toBeUndefined();
    }
    expect(pipeline.watermark('AAPL')).toBe(now - 5_000);
  });

  it('accepts ticks up to the skew ahead of the clock, and any tick of the past', () => {
    const now = at('2026-03-10T10:00:00-04:00');
    const pipeline = pipelineAt(() => now);
    const out: WindowOutput[] = [];
    expect(pipeline.push(makeTick('AAPL', now + 59_000, 100), out)).toBeUndefined();
    expect(pipeline.push(makeTick('MSFT', at('2016-03-10T10:00:00-05:00'), 50), out)).toBeUndefined();
  });

  it('lets a tick decades in the past open a window for a fresh symbol, which the next newer tick closes', () => {
    const now = at('2026-03-10T10:00:00-04:00');
    const pipeline = pipelineAt(() => now);
    const out: WindowOutput[] = [];
    expect(pipeline.push(makeTick('IBM', at('1990-01-02T10:00:00-05:00'), 20), out)).toBeUndefined();
    expect(pipeline.push(makeTick('IBM', now, 250), out)).toBeUndefined();
    expect(barsIn(out).map((bar) => [new Date(bar.start).toISOString(), bar.close])).toEqual([
      ['1990-01-02T15:00:00.000Z', 20],
    ]);
  });
});

describe('day volume is kept per trading day', () => {
  it('attributes a previous-day tick arriving after the first new-day tick to its own day (2026-03-05 24:00 New York)', () => {
    const pipeline = pipelineAt(() => PINNED_NOW);
    const out: WindowOutput[] = [];
    const ticks = [
      makeTick('BTC-USD', at('2026-03-05T23:59:00-05:00'), 100, { dayVolume: 1000 }),
      makeTick('BTC-USD', at('2026-03-05T23:59:30-05:00'), 101, { dayVolume: 1100 }),
      makeTick('BTC-USD', at('2026-03-06T00:00:01-05:00'), 102, { dayVolume: 50 }),
      makeTick('BTC-USD', at('2026-03-05T23:59:50-05:00'), 103, { dayVolume: 1200 }), // late, within the lateness
      makeTick('BTC-USD', at('2026-03-06T00:00:20-05:00'), 104, { dayVolume: 100 }),
      makeTick('BTC-USD', at('2026-03-06T00:01:30-05:00'), 105, { dayVolume: 160 }),
    ];
    for (const tick of ticks) expect(pipeline.push(tick, out)).toBeUndefined();
    pipeline.onTimer(Number.MAX_SAFE_INTEGER, out);
    expect(barsIn(out).map((bar) => [new Date(bar.start).toISOString(), bar.volume])).toEqual([
      ['2026-03-06T04:59:00.000Z', 200],
      ['2026-03-06T05:00:00.000Z', 100],
      ['2026-03-06T05:01:00.000Z', 60],
    ]);
  });

  it('attributes a pre-market repeat of the previous session total to that session (issue 15 defect 4)', () => {
    const pipeline = pipelineAt(() => PINNED_NOW);
    const out: WindowOutput[] = [];
    pipeline.push(
      makeTick('AAPL', at('2026-03-10T08:00:00-04:00'), 230, { dayVolume: 5_000_000, marketState: 'PRE' }),
      out,
    );
    pipeline.push(
      makeTick('AAPL', at('2026-03-10T08:00:30-04:00'), 230.5, { dayVolume: 5_000_000, marketState: 'PRE' }),
      out,
    );
    for (const [time, dayVolume] of [
      ['09:30:10', 120_000],
      ['09:30:40', 170_000],
      ['09:31:10', 220_000],
      ['09:32:10', 300_000],
    ] as const) {
      pipeline.push(makeTick('AAPL', at(`2026-03-10T${time}-04:00`), 231, { dayVolume, marketState: 'REGULAR' }), out);
    }
    pipeline.onTimer(Number.MAX_SAFE_INTEGER, out);
    expect(barsIn(out).map((bar) => bar.volume)).toEqual([0, 170_000, 50_000, 80_000]);
  });

  it('reads the day-volume mark of a snapshot taken before marks were kept per day', () => {
    const pipeline = pipelineAt(() => PINNED_NOW);
    const day = at('2026-03-10T00:00:00-04:00');
    pipeline.restore('AAPL', {
      v: 1,
      maxTime: day + 10 * 3_600_000,
      watermark: day + 10 * 3_600_000 - 5_000,
      operators: { bars: { intervals: ['1m'], open: [[]], dayVolume: 1000, dayVolumeDay: day } },
    });
    const out: WindowOutput[] = [];
    pipeline.push(makeTick('AAPL', day + 10 * 3_600_000 + MINUTE, 100, { dayVolume: 1300 }), out);
    pipeline.onTimer(Number.MAX_SAFE_INTEGER, out);
    expect(barsIn(out).map((bar) => bar.volume)).toEqual([300]);
  });
});
