import { describe, expect, it } from 'vitest';
import type { UserConfig } from '../config/schema.ts';
import { ConfigError } from '../errors.ts';
import { DecodeError, type Tick, type WindowOutput } from '../model.ts';
import { barsModule } from './bars/bars.ts';
import { createWindowPipeline } from './pipeline.ts';
import { at, barsIn, makeTick, seededRandom, windowsConfig, PINNED_NOW } from './testing.ts';
import type { LateTick, WindowPipeline } from './types.ts';

type WindowsInput = NonNullable<UserConfig['windows']>;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const t0 = at('2024-03-11T09:30:00-04:00');

function barsOnly(windows: WindowsInput = {}, clock = () => PINNED_NOW): WindowPipeline {
  return createWindowPipeline(
    windowsConfig({ allowedLateness: '5s', idleTimeout: '10s', bars: { intervals: ['1m'] }, ...windows }),
    { operators: [barsModule], clock },
  );
}

describe('idle timer', () => {
  it('closes the last bar of a live symbol once the clock has passed its end plus the lateness', () => {
    const pipeline = barsOnly();
    const out: WindowOutput[] = [];
    pipeline.push(makeTick('AAPL', t0 + 10 * SECOND, 100), out, t0 + 10 * SECOND);
    pipeline.push(makeTick('AAPL', t0 + 30 * SECOND, 101), out, t0 + 30 * SECOND);
    pipeline.onTimer(t0 + 39 * SECOND, out); // quiet 9 s < idleTimeout
    pipeline.onTimer(t0 + 45 * SECOND, out); // quiet 15 s: watermark 9:30:40, window ends 9:31
    pipeline.onTimer(t0 + MINUTE + 5 * SECOND - 1, out);
    expect(out).toEqual([]);
    expect(pipeline.watermark('AAPL')).toBe(t0 + MINUTE - 1);
    pipeline.onTimer(t0 + MINUTE + 5 * SECOND, out);
    expect(barsIn(out).map((bar) => [bar.start, bar.close, bar.final])).toEqual([[t0, 101, true]]);
  });

  it('closes the last bar of a replay at original pace, whose event times are years behind the clock', () => {
    const pipeline = barsOnly();
    const out: WindowOutput[] = [];
    const wall = at('2026-01-05T12:00:00Z');
    const offset = wall - t0;
    for (const seconds of [5, 25, 50])
      pipeline.push(makeTick('AAPL', t0 + seconds * SECOND, 100 + seconds), out, t0 + seconds * SECOND + offset);
    pipeline.onTimer(t0 + 50 * SECOND + offset + 14 * SECOND, out);
    expect(out).toEqual([]);
    pipeline.onTimer(t0 + 50 * SECOND + offset + 15 * SECOND, out); // 50 s + 15 s − 5 s = the window end
    expect(barsIn(out)).toHaveLength(1);
  });

  it('leaves a fast replay on pure event time while it keeps arriving', () => {
    const ticks = Array.from({ length: 600 }, (_, i) => makeTick('AAPL', t0 + i * 7 * SECOND, 100 + (i % 13)));
    const withTimer = barsOnly();
    const without = barsOnly();
    const timed: WindowOutput[] = [];
    const plain: WindowOutput[] = [];
    const wall = at('2026-01-05T12:00:00Z');
    ticks.forEach((tick, i) => {
      const arrival = wall + i; // 1000 ticks a second: 70 minutes of event time in 0.6 s
      withTimer.push(tick, timed, arrival);
      without.push(tick, plain, arrival);
      if (i % 50 === 0) withTimer.onTimer(arrival + 1, timed);
    });
    expect(timed).toEqual(plain);
    expect(barsIn(plain).length).toBeGreaterThan(60);
  });
});

describe('interim bars', () => {
  it('emits changed open bars as final: false every interim period of wall clock', () => {
    const pipeline = barsOnly({ bars: { intervals: ['1m'], interim: '1s' } });
    const out: WindowOutput[] = [];
    const wall = at('2026-01-05T12:00:00Z');
    pipeline.push(makeTick('AAPL', t0 + 1 * SECOND, 100), out, wall);
    pipeline.push(makeTick('AAPL', t0 + 2 * SECOND, 102), out, wall);
    pipeline.onTimer(wall + 100, out);
    expect(barsIn(out).map((bar) => [bar.open, bar.close, bar.ticks, bar.final])).toEqual([[100, 102, 2, false]]);
    pipeline.onTimer(wall + 600, out); // under a second since the last interim
    pipeline.push(makeTick('AAPL', t0 + 3 * SECOND, 99), out, wall + 700);
    pipeline.onTimer(wall + 1_100, out);
    pipeline.onTimer(wall + 2_100, out); // nothing changed since
    expect(barsIn(out).map((bar) => [bar.close, bar.low, bar.ticks, bar.final])).toEqual([
      [102, 100, 2, false],
      [99, 99, 3, false],
    ]);
    pipeline.push(makeTick('AAPL', t0 + MINUTE + 6 * SECOND, 98), out, wall + 2_200);
    expect(barsIn(out).at(-1)).toMatchObject({ start: t0, close: 99, ticks: 3, final: true });
  });
});

// ------------------------------------------------------------------------ snapshot / restore

/** Three symbols over two trading days: jittered arrival order, some ticks beyond the lateness. */
function randomStream(seed: number): Tick[] {
  const random = seededRandom(seed);
  const ticks: Tick[] = [];
  for (const open of [at('2024-03-08T09:30:00-05:00'), at('2024-03-11T09:30:00-04:00')]) {
    const prices: Record<string, number> = { AAPL: 170, MSFT: 400, TINY: 2 };
    const volumes: Record<string, number> = { AAPL: 0, MSFT: 0, TINY: 0 };
    for (let i = 0; i < 1_500; i++) {
      const symbol = (['AAPL', 'MSFT', 'TINY'] as const)[Math.floor(random() * 3)] as string;
      const drift = i < 750 ? 0.0004 : -0.0004;
      prices[symbol] = (prices[symbol] as number) * (1 + (random() - 0.5) * 0.006 + drift);
      volumes[symbol] = (volumes[symbol] as number) + Math.floor(random() * (random() < 0.03 ? 20_000 : 1_000));
      const jitter = random() < 0.05 ? -Math.floor(random() * 40 * SECOND) : 0; // sometimes up to 40 s late
      ticks.push(
        makeTick(symbol, open + i * 4 * SECOND + jitter, prices[symbol] as number, {
          dayVolume: volumes[symbol],
          exchange: 'NMS',
        }),
      );
    }
  }
  return ticks;
}

const equivalenceWindows: WindowsInput = {
  allowedLateness: '5s',
  bars: { intervals: ['1m', '5m', '1h'] },
  indicators: {
    sma: [5, 20],
    ema: [3, 12],
    rsi: 14,
    macd: { fast: 3, slow: 8, signal: 4 },
    bollinger: { period: 10, stdDev: 2 },
  },
  alerts: {
    rules: [
      { name: 'move', type: 'price-change', window: '5m', thresholdPct: 0.5, direction: 'both', cooldown: '5m' },
      { name: 'volume', type: 'volume-spike', multiple: 2, lookback: 10, cooldown: '2m' },
      { name: 'wide', type: 'volatility', spreadPct: 0.3, cooldown: '3m' },
      { name: 'cross', type: 'ma-crossover', kind: 'ema', fast: 3, slow: 8, cooldown: '0s' },
      { name: 'cross-sma', type: 'ma-crossover', kind: 'sma', fast: 3, slow: 8, cooldown: '0s', interval: '5m' },
    ],
  },
};

function runThrough(ticks: Tick[], splits: Set<number>): { out: WindowOutput[]; late: LateTick[] } {
  const windows = windowsConfig(equivalenceWindows);
  const out: WindowOutput[] = [];
  const late: LateTick[] = [];
  let pipeline = createWindowPipeline(windows, { clock: () => PINNED_NOW });
  ticks.forEach((tick, i) => {
    if (splits.has(i)) {
      const saved = [...pipeline.symbols()].map((symbol) => [symbol, JSON.parse(pipeline.serialize(symbol)!)]) as [
        string,
        Record<string, unknown>,
      ][];
      pipeline = createWindowPipeline(windows, { clock: () => PINNED_NOW });
      for (const [symbol, snapshot] of saved) pipeline.restore(symbol, snapshot);
    }
    const rejected = pipeline.push(tick, out, tick.time);
    if (rejected) late.push(rejected);
  });
  pipeline.onTimer(Number.MAX_SAFE_INTEGER, out);
  return { out, late };
}

describe('snapshot and restore', () => {
  const ticks = randomStream(11);
  const reference = runThrough(ticks, new Set());

  it('the reference run exercises every kind of output', () => {
    const kinds = (kind: string) => reference.out.filter((output) => output.kind === kind).length;
    expect(kinds('bar')).toBeGreaterThan(500);
    expect(kinds('indicator')).toBeGreaterThan(500);
    expect(new Set(reference.out.flatMap((output) => (output.kind === 'alert' ? [output.alert.rule] : [])))).toEqual(
      new Set(['move', 'volume', 'wide', 'cross', 'cross-sma']),
    );
    expect(reference.late.length).toBeGreaterThan(10);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`a pipeline restored from JSON at random points (seed ${seed}) produces exactly the same outputs`, () => {
      const random = seededRandom(seed);
      const splits = new Set(
        Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * ticks.length)),
      );
      const split = runThrough(ticks, splits);
      expect(split.late).toEqual(reference.late);
      expect(split.out.length).toBe(reference.out.length);
      expect(split.out).toEqual(reference.out);
    });
  }

  it('serializes the state as it is now, and nothing for an unknown symbol', () => {
    const pipeline = barsOnly();
    pipeline.push(makeTick('AAPL', t0, 100), []);
    const before = pipeline.serialize('AAPL');
    pipeline.push(makeTick('AAPL', t0 + SECOND, 200), []);
    expect(pipeline.serialize('AAPL')).not.toBe(before);
    expect(JSON.stringify(JSON.parse(before!))).toContain('"close":100');
    expect(pipeline.serialize('NONE')).toBeUndefined();
  });

  it('restores into a pipeline whose intervals changed, keeping what still fits', () => {
    const old = barsOnly({ bars: { intervals: ['1m', '5m'] } });
    old.push(makeTick('AAPL', t0 + SECOND, 100), []);
    const snapshot = JSON.parse(old.serialize('AAPL')!) as Record<string, unknown>;
    const next = barsOnly({ bars: { intervals: ['5m', '15m'] } });
    next.restore('AAPL', snapshot);
    const out: WindowOutput[] = [];
    next.push(makeTick('AAPL', t0 + 2 * SECOND, 101), out);
    next.onTimer(Number.MAX_SAFE_INTEGER, out);
    expect(barsIn(out).map((bar) => [bar.interval, bar.ticks])).toEqual([
      ['5m', 2],
      ['15m', 1],
    ]);
  });

  it('refuses a snapshot of another version with a DecodeError naming the symbol', () => {
    expect(() => barsOnly().restore('AAPL', { v: 99 })).toThrowError(DecodeError);
    expect(() => barsOnly().restore('AAPL', { v: 99 })).toThrowError(/AAPL.*version 99/);
  });
});

describe('pipeline', () => {
  it('reports symbols, the oldest open window and forgets dropped symbols', () => {
    const pipeline = barsOnly({ bars: { intervals: ['1m', '1h'] } });
    pipeline.push(makeTick('AAPL', t0 + 61 * SECOND, 100), []);
    pipeline.push(makeTick('MSFT', t0 + 10 * SECOND, 100), []);
    expect([...pipeline.symbols()]).toEqual(['AAPL', 'MSFT']);
    expect(pipeline.oldestOpenWindow('AAPL')).toBe(t0);
    expect(pipeline.oldestOpenWindow('NONE')).toBeUndefined();
    pipeline.drop('AAPL');
    expect([...pipeline.symbols()]).toEqual(['MSFT']);
  });

  it('emits each closed bar followed by its indicators and alerts', () => {
    const pipeline = createWindowPipeline(
      windowsConfig({
        bars: { intervals: ['1m'] },
        indicators: { sma: [2], ema: [2] },
        alerts: { rules: [{ name: 'wide', type: 'volatility', spreadPct: 1 }] },
      }),
      { clock: () => PINNED_NOW },
    );
    const out: WindowOutput[] = [];
    for (const [i, price] of [100, 103, 101, 101.5, 102].entries())
      pipeline.push(makeTick('AAPL', t0 + i * 30 * SECOND, price), out);
    pipeline.onTimer(Number.MAX_SAFE_INTEGER, out);
    expect(out.map((output) => output.kind)).toEqual(['bar', 'alert', 'bar', 'indicator', 'bar', 'indicator']);
  });

  it('turns contradictory settings into ConfigErrors and a rule on a missing interval into a warning', () => {
    const create = (windows: WindowsInput) => createWindowPipeline(windowsConfig(windows));
    expect(() => create({ bars: { intervals: ['1m', '60s'] } })).toThrowError(/same interval twice \("1m" and "60s"\)/);
    expect(() => create({ bars: { intervals: ['2d'] } })).toThrowError(ConfigError);
    expect(() => create({ bars: { intervals: ['1500ms'] } })).toThrowError(/not a usable bar interval/);
    expect(() => create({ indicators: { macd: { fast: 26, slow: 12 } } })).toThrowError(
      /macd: fast \(26\) must be shorter than slow \(12\)/,
    );
    expect(() =>
      create({
        alerts: {
          rules: [
            { name: 'a', type: 'volatility', spreadPct: 1 },
            { name: 'a', type: 'volatility', spreadPct: 2 },
          ],
        },
      }),
    ).toThrowError(/"a": the name is used by another rule/);
    expect(() => create({ alerts: { rules: [{ name: 'x', type: 'ma-crossover', fast: 5, slow: 5 }] } })).toThrowError(
      ConfigError,
    );
    expect(() => create({ timezone: 'Mars/Olympus' })).toThrowError(/Mars\/Olympus/);
    expect(create({ bars: { intervals: ['5m'] } }).warnings).toEqual(
      ['drop-2pct-5m', 'spike-2pct-5m', 'volume-3x', 'wide-bar', 'ema-12-26-cross'].map((name) =>
        expect.stringContaining(`"${name}" is off: its interval 1m is not one of windows.bars.intervals (5m)`),
      ),
    );
    expect(create({}).warnings).toEqual([]);
  });
});
