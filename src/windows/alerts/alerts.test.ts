import { describe, expect, it } from 'vitest';
import type { UserConfig } from '../../config/schema.ts';
import type { Alert, Bar, WindowOutput } from '../../model.ts';
import { at, makeBar, operatorEnv, windowsConfig } from '../testing.ts';
import { createAlertsOperator } from './alerts.ts';

type RuleInput = NonNullable<NonNullable<NonNullable<UserConfig['windows']>['alerts']>['rules']>[number];

const start = at('2024-03-11T09:30:00-04:00');
const MINUTE = 60_000;

/** 1m bars whose open is the previous close. */
function series(closes: number[], fields: (i: number) => Partial<Bar> = () => ({})): Bar[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : (closes[i - 1] as number);
    return makeBar({
      start: start + i * MINUTE,
      open,
      close,
      high: Math.max(open, close),
      low: Math.min(open, close),
      ...fields(i),
    });
  });
}

/** Runs the bars through the rules; returns the alerts with the index of the bar that fired them. */
function alertsFor(rules: RuleInput[], bars: Bar[], intervals = ['1m', '5m']): { index: number; alert: Alert }[] {
  const windows = windowsConfig({ bars: { intervals }, alerts: { rules } });
  const operator = createAlertsOperator(windows.alerts.rules, operatorEnv(windows));
  const states = new Map<string, ReturnType<typeof operator.createState>>();
  const fired: { index: number; alert: Alert }[] = [];
  bars.forEach((bar, index) => {
    const state = states.get(bar.symbol) ?? operator.createState(bar.symbol);
    states.set(bar.symbol, state);
    const out: WindowOutput[] = [];
    operator.onBar(state, bar, out);
    for (const output of out) if (output.kind === 'alert') fired.push({ index, alert: output.alert });
  });
  return fired;
}

const flat = (value: number, count: number) => Array.from({ length: count }, () => value);

describe('alerts', () => {
  it('price-change fires once per episode, re-arms when it clears, and swallows an episode inside the cooldown', () => {
    const closes = [...flat(100, 6), ...flat(97.9, 8), ...flat(95.5, 11), 93];
    const bars = series(closes);
    const rule = {
      name: 'drop-2pct-5m',
      type: 'price-change',
      window: '5m',
      thresholdPct: 2,
      direction: 'down',
      cooldown: '15m',
      severity: 'critical',
    } as const;
    const fired = alertsFor([rule, { ...rule, name: 'spike', direction: 'up' }], bars);
    // Bar 6: −2.1% (fires). It holds until bar 10, clears at 11; bar 14 (−2.45%) is 8 min after the
    // first alert, inside the cooldown; bar 25 (−2.6%) is 19 min after it.
    expect(fired.map(({ index }) => index)).toEqual([6, 25]);
    expect(fired[0]?.alert).toEqual({
      symbol: 'AAPL',
      rule: 'drop-2pct-5m',
      type: 'price-change',
      severity: 'critical',
      interval: '1m',
      time: start + 6 * MINUTE,
      value: expect.closeTo(-2.1, 10),
      threshold: -2,
      message: 'AAPL fell 2.10% in 5m (100.00 → 97.90), past the 2% threshold',
    });
    expect(fired[1]?.alert.value).toBeCloseTo(((93 - 95.5) / 95.5) * 100, 10);
  });

  it('price-change in both directions measures from the first open inside the window', () => {
    const bars = series([10, 10, 10.25, 10.25, 10.25, 10.25, 10.25, 10.25, 10]);
    const fired = alertsFor(
      [{ name: 'move', type: 'price-change', window: '3m', thresholdPct: 2, direction: 'both', cooldown: '1m' }],
      bars,
    );
    // Bar 2 rises 2.5% from bar 0's open; bar 8 falls 2.44% from bar 6's open (10.25).
    expect(fired.map(({ index, alert }) => [index, alert.message])).toEqual([
      [2, 'AAPL rose 2.50% in 3m (10.00 → 10.25), past the 2% threshold'],
      [8, 'AAPL fell 2.44% in 3m (10.25 → 10.00), past the 2% threshold'],
    ]);
  });

  it('volume-spike compares a bar with the average of the bars before it', () => {
    const volumes = [100, 100, 100, 100, 100, 400, 400, 1_000];
    const bars = series(flat(50, volumes.length), (i) => ({ volume: volumes[i] }));
    const fired = alertsFor(
      [{ name: 'volume-3x', type: 'volume-spike', multiple: 3, lookback: 5, cooldown: '1m' }],
      bars,
    );
    // Bar 5: 400 vs 100 → 4×. Bar 6: 400 vs 160 → 2.5× clears. Bar 7: 1000 vs 220 → 4.5×.
    expect(fired.map(({ index, alert }) => [index, alert.value, alert.threshold])).toEqual([
      [5, 4, 3],
      [7, 1_000 / 220, 3],
    ]);
    expect(fired[0]?.alert.message).toBe('AAPL traded 400 in one 1m bar, 4.0× its 5-bar average of 100');
  });

  it('volatility fires on a wide bar, once while bars stay wide, and again after a calm bar', () => {
    const ranges = [0.5, 2, 2, 0.5, 2];
    const bars = series(flat(100, ranges.length), (i) => ({ low: 100, high: 100 + (ranges[i] as number) }));
    const fired = alertsFor(
      [{ name: 'wide-bar', type: 'volatility', spreadPct: 1.5, cooldown: '2m', severity: 'info' }],
      bars,
    );
    expect(fired.map(({ index, alert }) => [index, alert.severity, alert.value])).toEqual([
      [1, 'info', 2],
      [4, 'info', 2],
    ]);
    expect(fired[0]?.alert.message).toBe('AAPL moved 2.00% within one 1m bar (low 100.00, high 102.00)');
  });

  it('ma-crossover fires where a reference SMA / EMA pair changes sides', () => {
    const closes = [10, 9, 8, 7, 6, 7, 8, 9, 10, 9, 8, 7, 6, 6, 7, 9];
    const bars = series(closes);
    const smaOf = (period: number, i: number) =>
      i + 1 >= period ? closes.slice(i + 1 - period, i + 1).reduce((a, b) => a + b, 0) / period : undefined;
    const expected: [number, string][] = [];
    let side = 0;
    closes.forEach((_, i) => {
      const fast = smaOf(2, i);
      const slow = smaOf(4, i);
      if (fast === undefined || slow === undefined) return;
      const now = Math.sign(fast - slow);
      if (side !== 0 && now !== 0 && now !== side) expected.push([i, now > 0 ? 'above' : 'below']);
      if (now !== 0) side = now;
    });
    expect(expected.length).toBeGreaterThanOrEqual(2);
    const fired = alertsFor(
      [{ name: 'sma-2-4', type: 'ma-crossover', kind: 'sma', fast: 2, slow: 4, cooldown: '0s' }],
      bars,
    );
    expect(fired.map(({ index, alert }) => [index, /crossed (above|below)/.exec(alert.message)?.[1]])).toEqual(
      expected,
    );

    const emaFired = alertsFor(
      [{ name: 'ema-2-4', type: 'ma-crossover', kind: 'ema', fast: 2, slow: 4, cooldown: '0s' }],
      bars,
    );
    expect(emaFired.length).toBeGreaterThanOrEqual(2);
    expect(emaFired[0]?.alert.message).toMatch(/^AAPL EMA 2 crossed (above|below) EMA 4 \((bullish|bearish)\)/);
  });

  it('watches only its symbols and its interval, with state per symbol', () => {
    const rule: RuleInput = { name: 'wide', type: 'volatility', spreadPct: 1, symbols: ['msft'] };
    const wide = (symbol: string, interval: string, i: number) =>
      makeBar({ symbol, interval, start: start + i * MINUTE, close: 100, low: 100, high: 102 });
    const fired = alertsFor(
      [rule, { name: 'wide-5m', type: 'volatility', spreadPct: 1, interval: '5m' }],
      [wide('AAPL', '1m', 0), wide('MSFT', '1m', 0), wide('MSFT', '5m', 0)],
    );
    expect(fired.map(({ alert }) => [alert.rule, alert.symbol, alert.interval])).toEqual([
      ['wide', 'MSFT', '1m'],
      ['wide-5m', 'MSFT', '5m'],
    ]);
  });
});
