import { beforeEach, describe, expect, it } from 'vitest';
import { toStockInfo } from '../../src/info/map.ts';
import type { Alert, Bar, IndicatorPoint, StockInfo } from '../../src/model.ts';
import { upsertAlerts } from '../../src/postgres/repositories/alerts.ts';
import { upsertBars } from '../../src/postgres/repositories/bars.ts';
import { upsertIndicators } from '../../src/postgres/repositories/indicators.ts';
import { getStockInfo, listStockInfo, upsertStockInfo } from '../../src/postgres/repositories/stock-info.ts';
import { summaryOf } from '../info/fixtures.ts';
import { useMigratedDatabase } from './database.ts';

const database = useMigratedDatabase();

// 2024-11-22 21:30 UTC is 16:30 in New York, the same calendar day; 2024-11-23 02:00 UTC is still the 22nd there.
const FRIDAY_CLOSE = Date.parse('2024-11-22T21:30:00Z');
const FRIDAY_LATE_EVENING_NY = Date.parse('2024-11-23T02:00:00Z');

function apple(overrides: Partial<StockInfo> = {}): StockInfo {
  return { ...toStockInfo('AAPL', summaryOf('AAPL'), FRIDAY_CLOSE), ...overrides };
}

const ETF: StockInfo = {
  symbol: 'SPY',
  shortName: 'SPDR S&P 500',
  exchange: 'PCX',
  currency: 'USD',
  fiftyTwoWeekHigh: 609.07,
  fetchedAt: FRIDAY_CLOSE,
};
const MICROSOFT: StockInfo = {
  symbol: 'MSFT',
  shortName: 'Microsoft Corporation',
  sector: 'Technology',
  industry: 'Software - Infrastructure',
  marketCap: 3116320178176,
  trailingPE: 35.73,
  fetchedAt: FRIDAY_CLOSE,
};

describe('stock info', () => {
  beforeEach(async () => {
    await database().sql`truncate stock_info, stock_info_history`;
  });

  it('stores every field exactly, with NULL for what Yahoo did not send', async () => {
    expect(await upsertStockInfo(database().sql, [apple(), ETF])).toBe(2);
    const [row] = await database()
      .sql`select market_cap::text, trailing_pe::text, fifty_day_average::text, raw, fetched_at from stock_info where symbol = 'AAPL'`;
    expect(row).toEqual({
      market_cap: '3484157951488',
      trailing_pe: '37.89',
      fifty_day_average: '228.4574',
      raw: summaryOf('AAPL'),
      fetched_at: new Date(FRIDAY_CLOSE),
    });
    const [etf] = await database()
      .sql`select sector, industry, market_cap, trailing_pe, raw from stock_info where symbol = 'SPY'`;
    expect(etf).toEqual({ sector: null, industry: null, market_cap: null, trailing_pe: null, raw: null });
  });

  it('keeps one history row per symbol per exchange-calendar day', async () => {
    await upsertStockInfo(database().sql, [apple()], { timeZone: 'America/New_York' });
    await upsertStockInfo(database().sql, [apple({ fetchedAt: FRIDAY_LATE_EVENING_NY, trailingPE: 38.1 })], {
      timeZone: 'America/New_York',
    });
    const rows = await database().sql`select symbol, date::text, trailing_pe::float8 from stock_info_history`;
    expect(rows).toEqual([{ symbol: 'AAPL', date: '2024-11-22', trailing_pe: 38.1 }]);
    // In UTC the second fetch is already the next day.
    await upsertStockInfo(database().sql, [apple({ fetchedAt: FRIDAY_LATE_EVENING_NY })], { timeZone: 'UTC' });
    expect((await database().sql`select date::text from stock_info_history order by date`).map((r) => r.date)).toEqual([
      '2024-11-22',
      '2024-11-23',
    ]);
  });

  it('re-running the same day with the same values changes nothing but updated_at', async () => {
    await upsertStockInfo(database().sql, [apple(), MICROSOFT]);
    const snapshot = () => database().sql`select * from stock_info order by symbol`;
    const history = () => database().sql`select * from stock_info_history order by symbol, date`;
    const [beforeLatest, beforeHistory] = [await snapshot(), await history()];
    // A later fetch the same day that found the same values.
    await upsertStockInfo(database().sql, [
      apple({ fetchedAt: FRIDAY_CLOSE + 60_000 }),
      { ...MICROSOFT, fetchedAt: FRIDAY_CLOSE + 60_000 },
    ]);
    const [afterLatest, afterHistory] = [await snapshot(), await history()];
    const withoutUpdatedAt = (rows: readonly Record<string, unknown>[]) =>
      rows.map(({ updated_at: _updatedAt, ...rest }) => rest);
    expect(withoutUpdatedAt(afterLatest)).toEqual(withoutUpdatedAt(beforeLatest));
    expect(withoutUpdatedAt(afterHistory)).toEqual(withoutUpdatedAt(beforeHistory));
    expect((afterLatest[0]!.updated_at as Date).getTime()).toBeGreaterThan(
      (beforeLatest[0]!.updated_at as Date).getTime(),
    );
    expect(afterHistory).toHaveLength(2);
  });

  it('a changed value moves fetched_at to the fetch that saw it', async () => {
    await upsertStockInfo(database().sql, [apple()]);
    await upsertStockInfo(database().sql, [apple({ fetchedAt: FRIDAY_CLOSE + 60_000, marketCap: 3.5e12 })]);
    const info = await getStockInfo(database().sql, 'AAPL');
    expect(info?.marketCap).toBe(3.5e12);
    expect(info?.fetchedAt).toBe(FRIDAY_CLOSE + 60_000);
  });

  it('reads a stored row back as StockInfo with numbers', async () => {
    await upsertStockInfo(database().sql, [apple()]);
    const info = await getStockInfo(database().sql, 'AAPL');
    const { updatedAt, ...rest } = info!;
    expect(rest).toEqual(apple());
    expect(updatedAt).toBeGreaterThan(0);
    expect(await getStockInfo(database().sql, 'NOPE')).toBeUndefined();
  });

  it('lists by sector (any case), sorted and limited, unknown values last', async () => {
    await upsertStockInfo(database().sql, [
      apple(),
      MICROSOFT,
      ETF,
      { symbol: 'NVDA', sector: 'Technology', fetchedAt: FRIDAY_CLOSE },
    ]);
    const bySize = await listStockInfo(database().sql, { sector: 'technology', sort: 'marketCap' });
    expect(bySize.map((info) => info.symbol)).toEqual(['AAPL', 'MSFT', 'NVDA']);
    expect(bySize[0]!.raw).toBeUndefined();
    expect((await listStockInfo(database().sql, { sort: 'trailingPE', limit: 2 })).map((info) => info.symbol)).toEqual([
      'MSFT',
      'AAPL',
    ]);
    expect((await listStockInfo(database().sql, { industry: 'SEMICONDUCTORS' })).map((info) => info.symbol)).toEqual(
      [],
    );
    expect((await listStockInfo(database().sql)).map((info) => info.symbol)).toEqual(['AAPL', 'MSFT', 'NVDA', 'SPY']);
  });
});

function bars(count: number, overrides: Partial<Bar> = {}): Bar[] {
  const start = Date.parse('2024-11-22T14:30:00Z');
  return Array.from({ length: count }, (_, i) => ({
    symbol: `S${i % 50}`,
    interval: '1m',
    start: start + Math.floor(i / 50) * 60_000,
    end: start + Math.floor(i / 50) * 60_000 + 60_000,
    open: 100 + i / 1000,
    high: 101.25,
    low: 99.5,
    close: 100.125,
    volume: 1000 + i,
    vwap: 100.3333,
    ticks: 7,
    final: true,
    ...overrides,
  }));
}

/** Bars as `watch --sink` writes them: without a stream position. */
const unplaced = (list: Bar[]) => list.map((bar) => ({ bar }));

describe('bars, indicators and alerts', () => {
  beforeEach(async () => {
    await database().sql`truncate stock_bars, stock_indicators, stock_alerts`;
  });

  it('upserts thousands of bars per call, idempotently', async () => {
    const batch = bars(20_000);
    const started = performance.now();
    expect(await upsertBars(database().sql, unplaced(batch))).toBe(20_000);
    const firstMs = performance.now() - started;
    const snapshot = () =>
      database()
        .sql`select symbol, interval, start_time, end_time, open::text, volume::text, vwap::text, ticks, final from stock_bars order by symbol, start_time`;
    const before = await snapshot();
    expect(before).toHaveLength(20_000);
    await upsertBars(database().sql, unplaced(batch));
    expect(await snapshot()).toEqual(before);
    expect(before[0]).toMatchObject({
      symbol: 'S0',
      interval: '1m',
      open: '100',
      vwap: '100.3333',
      ticks: 7,
      final: true,
    });
    console.log(
      `upsertBars: 20,000 bars in ${firstMs.toFixed(0)} ms (${Math.round(20_000 / (firstMs / 1000))} rows/s)`,
    );
  });

  it('keeps the last of duplicate keys in one batch, and never reopens a final bar', async () => {
    const [interim] = bars(1, { final: false, close: 100.5, ticks: 3 });
    const [final] = bars(1, { final: true, close: 101, ticks: 5 });
    await upsertBars(database().sql, unplaced([interim!, final!]));
    expect(await database().sql`select close::float8, final from stock_bars`).toEqual([{ close: 101, final: true }]);
    // A redelivered interim update after the final bar.
    await upsertBars(database().sql, unplaced([interim!]));
    expect(await database().sql`select close::float8, ticks, final from stock_bars`).toEqual([
      { close: 101, ticks: 5, final: true },
    ]);
    // An interim bar is updated by a later interim one.
    const [open] = bars(1, { start: final!.start + 60_000, end: final!.end + 60_000, final: false, close: 102 });
    await upsertBars(database().sql, unplaced([open!]));
    await upsertBars(database().sql, unplaced([{ ...open!, close: 103 }]));
    expect(await database().sql`select close::float8 from stock_bars where not final`).toEqual([{ close: 103 }]);
  });

  it('never replaces a bar with one from an older position of the same partition (a zombie, a late retry)', async () => {
    const source = 'prices:2';
    const [complete] = bars(1, { final: true, close: 101, ticks: 9, volume: 9_000 });
    const [stale] = bars(1, { final: true, close: 100.5, ticks: 4, volume: 4_000 });
    const [interimStale] = bars(1, { final: false, close: 100.25, ticks: 3 });
    const row = () =>
      database().sql`select close::float8, ticks, volume::float8, final, stream_offset::int from stock_bars`;
    await upsertBars(database().sql, [{ bar: complete!, position: { source, offset: 500 } }]);
    // The zombie's final bar, closed early from older state, and an interim one, both from before offset 500.
    await upsertBars(database().sql, [{ bar: stale!, position: { source, offset: 420 } }]);
    await upsertBars(database().sql, [{ bar: { ...interimStale!, final: true }, position: { source, offset: 499 } }]);
    expect(await row()).toEqual([{ close: 101, ticks: 9, volume: 9_000, final: true, stream_offset: 500 }]);
    // The same bar from the same position (a replay, a redelivery) and from a later one still writes.
    await upsertBars(database().sql, [{ bar: { ...complete!, close: 101.5 }, position: { source, offset: 500 } }]);
    expect(await row()).toEqual([{ close: 101.5, ticks: 9, volume: 9_000, final: true, stream_offset: 500 }]);
    await upsertBars(database().sql, [{ bar: { ...complete!, close: 102 }, position: { source, offset: 640 } }]);
    expect(await row()).toEqual([{ close: 102, ticks: 9, volume: 9_000, final: true, stream_offset: 640 }]);
    // Positions of another partition (or topic) say nothing about this one: compared only within one source.
    await upsertBars(database().sql, [{ bar: stale!, position: { source: 'other-prices:0', offset: 1 } }]);
    expect(await row()).toEqual([{ close: 100.5, ticks: 4, volume: 4_000, final: true, stream_offset: 1 }]);
  });

  it('upserts indicator points on (symbol, interval, time)', async () => {
    const point: IndicatorPoint = {
      symbol: 'AAPL',
      interval: '1m',
      time: Date.parse('2024-11-22T15:00:00Z'),
      values: { sma_20: 229.5, rsi_14: 61.25 },
      trend: 'up',
    };
    await upsertIndicators(database().sql, [point, { ...point, symbol: 'MSFT' }]);
    await upsertIndicators(database().sql, [{ ...point, values: { sma_20: 229.75, rsi_14: 62 } }]);
    expect(await database().sql`select symbol, values, trend from stock_indicators order by symbol`).toEqual([
      { symbol: 'AAPL', values: { sma_20: 229.75, rsi_14: 62 }, trend: 'up' },
      { symbol: 'MSFT', values: { sma_20: 229.5, rsi_14: 61.25 }, trend: 'up' },
    ]);
  });

  it('upserts alerts on (symbol, rule, time), keeping created_at', async () => {
    const alert: Alert = {
      symbol: 'AAPL',
      rule: 'drop-2pct-5m',
      type: 'price-change',
      severity: 'warning',
      interval: '1m',
      time: Date.parse('2024-11-22T15:05:00Z'),
      message: 'AAPL fell 2.3% in 5m',
      value: -2.3,
      threshold: 2,
    };
    await upsertAlerts(database().sql, [alert]);
    const [first] = await database().sql`select created_at from stock_alerts`;
    await upsertAlerts(database().sql, [
      alert,
      { ...alert, rule: 'wide-bar', type: 'volatility', value: 1.7, threshold: 1.5 },
    ]);
    const rows = await database()
      .sql`select rule, type, value::float8, threshold::float8, created_at from stock_alerts order by rule`;
    expect(rows).toEqual([
      { rule: 'drop-2pct-5m', type: 'price-change', value: -2.3, threshold: 2, created_at: first!.created_at },
      { rule: 'wide-bar', type: 'volatility', value: 1.7, threshold: 1.5, created_at: expect.any(Date) },
    ]);
  });

  it('accepts an empty batch without a round trip', async () => {
    expect(await upsertBars(database().sql, [])).toBe(0);
    expect(await upsertStockInfo(database().sql, [])).toBe(0);
  });
});
