import { describe, expect, it } from 'vitest';
import { fakeYahoo } from '../../../test/support/fake-yahoo.ts';
import { testConfig } from '../../../test/produce/helpers/kafka.ts';
import { recordingContext } from '../../../test/produce/helpers/source-context.ts';
import { createBarTicker } from './bar-ticks.ts';
import { planChartRequests, runBackfill } from './backfill.ts';

const at = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;
const now = at('2026-03-09T14:00:00Z');

describe('chart request plan', () => {
  it('splits 1m bars into requests of at most 8 days (we ask for 7)', () => {
    const plan = planChartRequests(20 * DAY, '1m', now);
    expect(plan.shortened).toBe(false);
    expect(plan.windows).toEqual([
      [now - 20 * DAY, now - 13 * DAY],
      [now - 13 * DAY, now - 6 * DAY],
      [now - 6 * DAY, now],
    ]);
  });

  it("shortens lookbacks beyond Yahoo's limits: 30 days of 1m, 60 days of 2m–90m", () => {
    const oneMinute = planChartRequests(45 * DAY, '1m', now);
    expect(oneMinute.shortened).toBe(true);
    expect(now - oneMinute.from).toBeLessThan(30 * DAY);
    expect(now - oneMinute.from).toBeGreaterThan(29 * DAY);
    expect(oneMinute.windows.every(([a, b]) => b - a <= 8 * DAY)).toBe(true);
    expect(planChartRequests(45 * DAY, '5m', now)).toMatchObject({
      shortened: false,
      windows: [[now - 45 * DAY, now]],
    });
    expect(planChartRequests(90 * DAY, '15m', now).shortened).toBe(true);
  });
});

describe('bar ticker', () => {
  it('accumulates day volume per symbol and trading day, across calls', () => {
    const ticker = createBarTicker({ source: 'replay' });
    const first = ticker.ticks('AAPL', [
      { time: at('2026-03-06T20:58:00Z'), open: 10, high: 11, low: 9, close: 10.5, volume: 100 },
    ]);
    const next = ticker.ticks('AAPL', [
      { time: at('2026-03-06T20:59:00Z'), open: 10.5, high: 12, low: 10, close: 11, volume: 50 },
      { time: at('2026-03-09T13:30:00Z'), open: 11.2, high: 11.4, low: 11.1, close: 11.3, volume: 70 },
    ]);
    expect([...first, ...next].map((t) => [t.dayVolume, t.open, t.dayHigh, t.dayLow])).toEqual([
      [100, 10, 11, 9],
      [150, 10, 12, 9],
      [70, 11.2, 11.4, 11.1],
    ]);
    expect(next[0]).not.toHaveProperty('backfill');
  });
});

describe('backfill source', () => {
  it('publishes chart bars as backfill ticks, skips null bars and unknown symbols', async () => {
    const yahoo = fakeYahoo({
      '/v8/finance/chart/AAPL': [{ fixture: 'chart-aapl-1m' }],
      '/v8/finance/chart/MSFT': [{ status: 404, fixture: 'chart-not-found' }],
    });
    const recording = recordingContext(['AAPL', 'MSFT']);
    await runBackfill(testConfig({ source: { backfill: '3d', backfillInterval: '1m' } }), recording.ctx, {
      fetch: yahoo.fetch,
      now: () => now,
    });

    const common = {
      symbol: 'AAPL',
      source: 'backfill',
      backfill: true,
      currency: 'USD',
      exchange: 'NMS',
      marketState: 'REGULAR',
    };
    expect(recording.ticks()).toEqual([
      {
        ...common,
        time: at('2026-03-06T20:57:00Z'),
        price: 229.75,
        dayVolume: 310200,
        open: 229.7,
        dayHigh: 229.8,
        dayLow: 229.6,
      },
      {
        ...common,
        time: at('2026-03-06T20:58:00Z'),
        price: 229.81,
        dayVolume: 712300,
        open: 229.7,
        dayHigh: 229.9,
        dayLow: 229.6,
      },
      {
        ...common,
        time: at('2026-03-06T20:59:00Z'),
        price: 229.88,
        dayVolume: 1932800,
        open: 229.7,
        dayHigh: 229.92,
        dayLow: 229.6,
      },
      {
        ...common,
        time: at('2026-03-09T13:30:00Z'),
        price: 230.3,
        dayVolume: 1120330,
        open: 229.95,
        dayHigh: 230.35,
        dayLow: 229.8,
      },
      {
        ...common,
        time: at('2026-03-09T13:32:00Z'),
        price: 230.4,
        dayVolume: 1502330,
        open: 229.95,
        dayHigh: 230.6,
        dayLow: 229.8,
      },
    ]);
    const [request] = yahoo.calls('/v8/finance/chart/AAPL');
    expect(Object.fromEntries(request!.searchParams)).toMatchObject({
      interval: '1m',
      includePrePost: 'false',
      period1: String((now - 3 * DAY) / 1000),
      period2: String(now / 1000),
    });
    expect(recording.logLines.join('')).toContain('backfill: Yahoo has no 1m bars for MSFT');
    expect(recording.statuses.at(-1)).toBe('backfill [████████████████████] 2/2 requests · MSFT · 5 bars');
  });

  it('asks window after window and publishes each bar once', async () => {
    const yahoo = fakeYahoo({ '/v8/finance/chart/AAPL': [{ fixture: 'chart-aapl-1m' }] });
    const recording = recordingContext(['AAPL']);
    await runBackfill(testConfig({ source: { backfill: '20d' } }), recording.ctx, {
      fetch: yahoo.fetch,
      now: () => now,
    });
    const periods = yahoo
      .calls('/v8/finance/chart/AAPL')
      .map((url) => [Number(url.searchParams.get('period1')), Number(url.searchParams.get('period2'))]);
    expect(periods).toHaveLength(3);
    for (let i = 1; i < periods.length; i++) expect(periods[i]![0]).toBe(periods[i - 1]![1]);
    expect(recording.ticks()).toHaveLength(5);
  });
});
