import { describe, expect, it } from 'vitest';
import type { Bar, IndicatorPoint, WindowOutput } from '../../model.ts';
import { at, makeBar, operatorEnv, seededRandom, windowsConfig } from '../testing.ts';
import { createIndicatorsOperator } from './indicators.ts';

// ------------------------------------------------------------- textbook reference, whole series

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

function referenceSma(closes: number[], period: number): (number | undefined)[] {
  return closes.map((_, i) => (i + 1 >= period ? mean(closes.slice(i + 1 - period, i + 1)) : undefined));
}

/** EMA seeded with the SMA of the first `period` values: EMA_t = x_t·k + EMA_{t−1}·(1 − k). */
function referenceEma(values: (number | undefined)[], period: number): (number | undefined)[] {
  const k = 2 / (period + 1);
  const result: (number | undefined)[] = [];
  const seen: number[] = [];
  let previous: number | undefined;
  for (const value of values) {
    if (value === undefined) {
      result.push(undefined);
      continue;
    }
    seen.push(value);
    if (seen.length < period) result.push(undefined);
    else if (seen.length === period) result.push((previous = mean(seen)));
    else result.push((previous = value * k + (previous as number) * (1 - k)));
  }
  return result;
}

/** Wilder's RSI. */
function referenceRsi(closes: number[], period: number): (number | undefined)[] {
  const result: (number | undefined)[] = [undefined];
  let avgGain = 0;
  let avgLoss = 0;
  for (let i = 1; i < closes.length; i++) {
    const change = (closes[i] as number) - (closes[i - 1] as number);
    const gain = Math.max(change, 0);
    const loss = Math.max(-change, 0);
    if (i < period) {
      avgGain += gain;
      avgLoss += loss;
      result.push(undefined);
      continue;
    }
    if (i === period) {
      avgGain = (avgGain + gain) / period;
      avgLoss = (avgLoss + loss) / period;
    } else {
      avgGain = (avgGain * (period - 1) + gain) / period;
      avgLoss = (avgLoss * (period - 1) + loss) / period;
    }
    result.push(avgLoss === 0 ? 100 : 100 - 100 / (1 + avgGain / avgLoss));
  }
  return result;
}

function referenceBollinger(closes: number[], period: number, width: number) {
  return closes.map((_, i) => {
    if (i + 1 < period) return undefined;
    const window = closes.slice(i + 1 - period, i + 1);
    const middle = mean(window);
    const sd = Math.sqrt(mean(window.map((v) => (v - middle) ** 2)));
    return { upper: middle + width * sd, middle, lower: middle - width * sd };
  });
}

// ------------------------------------------------------------------------------- the series

/** Two trading days of 1m bars: a random walk drifting up then down each day, with volumes (some zero). */
function generateBars(): { bars: Bar[]; day: number[] } {
  const random = seededRandom(7);
  const bars: Bar[] = [];
  const day: number[] = [];
  let close = 100;
  for (const [d, date] of ['2024-03-08T09:30:00-05:00', '2024-03-11T09:30:00-04:00'].entries()) {
    const open = at(date);
    for (let i = 0; i < 80; i++) {
      close *= 1 + (random() - 0.5) * 0.01 + (i < 40 ? 0.002 : -0.002);
      const volume = random() < 0.1 ? 0 : Math.floor(random() * 5_000);
      const vwap = close * (1 + (random() - 0.5) * 0.001);
      bars.push(makeBar({ start: open + i * 60_000, close, volume, vwap: volume > 0 ? vwap : close }));
      day.push(d);
    }
  }
  return { bars, day };
}

function expectClose(actual: number | undefined, expected: number | undefined, what: string): void {
  if (expected === undefined) {
    expect(actual, what).toBeUndefined();
    return;
  }
  expect(actual, what).toBeDefined();
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected)),
  );
}

describe('indicators', () => {
  it('match a textbook reference on every bar, and appear only once stable', () => {
    const windows = windowsConfig();
    const operator = createIndicatorsOperator(windows.indicators, operatorEnv(windows));
    const state = operator.createState('AAPL');
    const { bars, day } = generateBars();
    const points: (IndicatorPoint | undefined)[] = bars.map((bar) => {
      const out: WindowOutput[] = [];
      operator.onBar(state, bar, out);
      expect(out.length).toBeLessThanOrEqual(1);
      return out[0]?.kind === 'indicator' ? out[0].point : undefined;
    });

    const closes = bars.map((bar) => bar.close);
    const sma20 = referenceSma(closes, 20);
    const sma50 = referenceSma(closes, 50);
    const ema12 = referenceEma(closes, 12);
    const ema26 = referenceEma(closes, 26);
    const rsi14 = referenceRsi(closes, 14);
    const macdLine = ema26.map((slow, i) => (slow === undefined ? undefined : (ema12[i] as number) - slow));
    const signal = referenceEma(macdLine, 9);
    const bands = referenceBollinger(closes, 20, 2);

    for (let i = 0; i < bars.length; i++) {
      const values = points[i]?.values ?? {};
      const bar = bars[i] as Bar;
      if (points[i] !== undefined) expect(points[i]?.time).toBe(bar.start);
      expectClose(values.sma_20, sma20[i], `sma_20 at ${i}`);
      expectClose(values.sma_50, sma50[i], `sma_50 at ${i}`);
      expectClose(values.ema_12, ema12[i], `ema_12 at ${i}`);
      expectClose(values.ema_26, ema26[i], `ema_26 at ${i}`);
      expectClose(values.rsi_14, rsi14[i], `rsi_14 at ${i}`);
      const signalValue = signal[i];
      expectClose(values.macd, signalValue === undefined ? undefined : macdLine[i], `macd at ${i}`);
      expectClose(values.macd_signal, signalValue, `macd_signal at ${i}`);
      expectClose(
        values.macd_histogram,
        signalValue === undefined ? undefined : (macdLine[i] as number) - signalValue,
        `macd_histogram at ${i}`,
      );
      expectClose(values.bb_upper, bands[i]?.upper, `bb_upper at ${i}`);
      expectClose(values.bb_middle, bands[i]?.middle, `bb_middle at ${i}`);
      expectClose(values.bb_lower, bands[i]?.lower, `bb_lower at ${i}`);

      const sameDay = bars.slice(0, i + 1).filter((_, j) => day[j] === day[i]);
      const volume = sameDay.reduce((sum, b) => sum + b.volume, 0);
      expectClose(
        values.vwap,
        volume > 0 ? sameDay.reduce((sum, b) => sum + b.vwap * b.volume, 0) / volume : undefined,
        `vwap at ${i}`,
      );

      const fast = ema12[i];
      const slow = ema26[i];
      const trend =
        fast === undefined || slow === undefined
          ? undefined
          : bar.close > fast && fast > slow
            ? 'up'
            : bar.close < fast && fast < slow
              ? 'down'
              : 'flat';
      expect(points[i]?.trend, `trend at ${i}`).toBe(trend);
    }
    // The stability thresholds, spelled out: first bar (index) where each appears.
    const firstWith = (key: string) => points.findIndex((point) => point?.values[key] !== undefined);
    expect([
      firstWith('sma_20'),
      firstWith('ema_12'),
      firstWith('ema_26'),
      firstWith('rsi_14'),
      firstWith('macd'),
      firstWith('bb_upper'),
    ]).toEqual([19, 11, 25, 14, 33, 19]);
    expect(new Set(points.map((point) => point?.trend))).toEqual(new Set([undefined, 'up', 'down', 'flat']));
  });

  it('keeps a separate series per interval and uses the configured periods', () => {
    const windows = windowsConfig({
      bars: { intervals: ['1m', '5m'] },
      indicators: { sma: [3], ema: [2], rsi: 2, bollinger: { period: 3, stdDev: 1 } },
    });
    const operator = createIndicatorsOperator(windows.indicators, operatorEnv(windows));
    const state = operator.createState('AAPL');
    const out: WindowOutput[] = [];
    const start = at('2024-03-11T09:30:00-04:00');
    for (const [i, close] of [10, 11, 12].entries())
      operator.onBar(state, makeBar({ start: start + i * 60_000, close }), out);
    operator.onBar(state, makeBar({ start, interval: '5m', close: 50 }), out);
    const points = out.flatMap((output) => (output.kind === 'indicator' ? [output.point] : []));
    // No point for the first 1m bar nor for the lone 5m bar: nothing is stable there (and no volume).
    expect(points.map((point) => [point.interval, point.values.sma_3, point.values.ema_2])).toEqual([
      ['1m', undefined, 10.5],
      ['1m', 11, 10.5 + (2 / 3) * (12 - 10.5)],
    ]);
    expect(points[1]?.values.rsi_2).toBe(100);
    expect(points[1]?.values.bb_upper).toBeCloseTo(11 + Math.sqrt(2 / 3), 12);
  });

  it('does not emit a point while no indicator has a value, and gives 50 as the RSI of a flat series', () => {
    const windows = windowsConfig({ indicators: { rsi: 2 } });
    const operator = createIndicatorsOperator(windows.indicators, operatorEnv(windows));
    const state = operator.createState('AAPL');
    const out: WindowOutput[] = [];
    const start = at('2024-03-11T09:30:00-04:00');
    operator.onBar(state, makeBar({ start, close: 5 }), out); // no volume: no session VWAP either
    expect(out).toEqual([]);
    operator.onBar(state, makeBar({ start: start + 60_000, close: 5 }), out);
    operator.onBar(state, makeBar({ start: start + 120_000, close: 5 }), out);
    expect(out.at(-1)).toMatchObject({ kind: 'indicator', point: { values: { rsi_2: 50 } } });
  });
});
