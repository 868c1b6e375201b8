/**
 * Warm start: watch plays recent history before the live source, so indicators are full on the
 * first screen. Yahoo's chart answers are replayed through yahoo-finance2's `fetch` (the produce
 * tests' fake, recorded response shapes); the seam between the last history bar and the first live
 * tick must be one bar, not two, and leave no gap; history fires no alerts.
 */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import type { Alert, Bar, Tick } from '../../src/model.ts';
import { syntheticHistory, withWarmHistory } from '../../src/sources/history/warm.ts';
import { plannedSources } from '../../src/sources/index.ts';
import { createSyntheticGenerator } from '../../src/sources/synthetic/generator.ts';
import { createLogger } from '../../src/ui/logger.ts';
import type { Output } from '../../src/ui/output.ts';
import type { SymbolRow } from '../../src/display/live-model.ts';
import { parseWatchFlags, watchConfig } from '../../src/watch/options.ts';
import { runWatch, type WatchTap } from '../../src/watch/run.ts';
import { fakeYahoo, fixture } from '../support/fake-yahoo.ts';

const MINUTE = 60_000;

interface Seen {
  firstLive?: { row: SymbolRow; tick: Tick; indicators: Record<string, number> };
  bars: Bar[];
  alerts: Alert[];
}

function recordingTap(seen: Seen): WatchTap {
  return {
    row(row, tick) {
      if (tick && tick.backfill !== true && !seen.firstLive)
        seen.firstLive = { row, tick, indicators: { ...row.indicators } };
    },
    output(output) {
      if (output.kind === 'bar' && output.bar.final) seen.bars.push(output.bar);
      if (output.kind === 'alert') seen.alerts.push(output.alert);
    },
    status() {},
  };
}

async function watchWithHistory(configInput: unknown, deps: Parameters<typeof plannedSources>[1], limit: string) {
  const out: Output = { json: false, record: () => {}, line: () => {} };
  const logger = createLogger({ stream: { write: () => true } as unknown as NodeJS.WritableStream });
  const { view } = parseWatchFlags({ symbols: ['AAPL'], limit });
  const { config, interval } = watchConfig(configSchema.parse(configInput), view);
  const seen: Seen = { bars: [], alerts: [] };
  const summary = await runWatch({
    config,
    view: { ...view, interval },
    sources: withWarmHistory(config, await plannedSources(config, deps), deps),
    logger,
    out,
    signal: new AbortController().signal,
    json: false,
    colors: new Chalk({ level: 0 }),
    deps,
    now: deps?.now,
    taps: [recordingTap(seen)],
  });
  return { summary, seen };
}

/** Yahoo's chart answer for 1m bars at these times: a deterministic walk, in Yahoo's own shape. */
function chartResponse(times: number[], last: { open: number; high: number; low: number; close: number }) {
  const recorded = fixture('chart-aapl-1m') as { chart: { result: Array<{ meta: Record<string, unknown> }> } };
  const close: number[] = [];
  let price = last.open;
  for (let i = times.length - 2; i >= 0; i--) {
    price = Math.round((price - Math.sin(i / 7) * 0.08 - (i % 3) * 0.01 + 0.01) * 100) / 100;
    close.unshift(price);
  }
  const open = close.map((value, i) => (i === 0 ? value : (close[i - 1] as number)));
  const quote = {
    open: [...open, last.open],
    high: [...close.map((value, i) => Math.max(value, open[i] as number) + 0.03), last.high],
    low: [...close.map((value, i) => Math.min(value, open[i] as number) - 0.03), last.low],
    close: [...close, last.close],
    volume: times.map((_, i) => 20_000 + (i % 11) * 1_000),
  };
  return {
    chart: {
      result: [
        {
          meta: recorded.chart.result[0]!.meta,
          timestamp: times.map((time) => time / 1000),
          indicators: { quote: [quote] },
        },
      ],
      error: null,
    },
  };
}

describe('warm start', () => {
  it('yahoo: the last sessions of chart bars fill the indicators before the first live tick, and the seam is one bar', async () => {
    // Tuesday 10 March 2026, 11:30:20 New York; the live quote is the recorded one, 20 s into the minute.
    const liveTime = Date.UTC(2026, 2, 10, 15, 30, 20);
    const quotes = fixture('quote-regular') as { quoteResponse: { result: Array<Record<string, unknown>> } };
    const aapl: Record<string, unknown> = {
      ...quotes.quoteResponse.result.find((quote) => quote.symbol === 'AAPL')!,
      regularMarketTime: liveTime / 1000,
    };
    const livePrice = aapl.regularMarketPrice as number;
    // The history Yahoo keeps: Monday's whole session and Tuesday's up to the open minute 11:30.
    const times: number[] = [];
    for (let t = Date.UTC(2026, 2, 9, 13, 30); t < Date.UTC(2026, 2, 9, 20, 0); t += MINUTE) times.push(t);
    for (let t = Date.UTC(2026, 2, 10, 13, 30); t <= Date.UTC(2026, 2, 10, 15, 30); t += MINUTE) times.push(t);
    const seamBar = { open: 231.5, high: 231.6, low: 231.45, close: 231.52 };
    const yahoo = fakeYahoo({
      '/v8/finance/chart/AAPL': [{ body: chartResponse(times, seamBar) }],
      '/v7/finance/quote': [{ body: { quoteResponse: { result: [aapl], error: null } } }],
    });
    const deps = { fetch: yahoo.fetch, now: () => liveTime + 1_000, sleep: async () => {} };

    const { summary, seen } = await watchWithHistory({ symbols: ['AAPL'], source: { name: 'yahoo' } }, deps, '1');

    expect(summary.ticks).toBe(1);
    expect(yahoo.calls('/v8/finance/chart/AAPL')).toHaveLength(1);
    // The first screen: every indicator of the table is there with the first live tick.
    expect(Object.keys(seen.firstLive!.indicators)).toEqual(
      expect.arrayContaining(['sma_20', 'sma_50', 'ema_12', 'ema_26', 'rsi_14', 'macd', 'bb_upper']),
    );
    // History fires no alerts: whatever fired refers to the live bar.
    for (const alert of seen.alerts) expect(alert.time).toBeGreaterThanOrEqual(Date.UTC(2026, 2, 10, 15, 30));
    const oneMinute = seen.bars.filter((bar) => bar.interval === '1m');
    const starts = oneMinute.map((bar) => bar.start);
    // No double bar and no gap: one bar a minute, through the seam.
    expect(starts).toEqual(times);
    const seam = oneMinute.at(-1)!;
    expect(seam).toMatchObject({
      start: Date.UTC(2026, 2, 10, 15, 30),
      open: seamBar.open,
      low: seamBar.low,
      high: Math.max(seamBar.high, livePrice),
      close: livePrice,
    });
    // The history bars keep their own range (four ticks each, not a flat close).
    const first = oneMinute[0]!;
    expect(first.high).toBeGreaterThan(first.low);
  });

  it('synthetic: a deterministic prior session that ends at the live previous close', async () => {
    const config = configSchema.parse({
      symbols: ['AAPL', 'MSFT'],
      source: { name: 'synthetic', synthetic: { start: '2026-03-03T14:30:00Z' } },
    });
    const history = syntheticHistory(config, Date.parse('2026-03-03T15:00:00Z'));
    expect(syntheticHistory(config, Date.parse('2026-03-03T15:00:00Z'))).toEqual(history);
    expect(history.every((tick) => tick.backfill === true)).toBe(true);
    // Monday's session, 09:30 to 16:00 New York.
    expect(history[0]!.time).toBe(Date.UTC(2026, 2, 2, 14, 30));
    expect(history.at(-1)!.time).toBeLessThan(Date.UTC(2026, 2, 2, 21, 0));
    const live = createSyntheticGenerator({
      symbols: ['AAPL', 'MSFT'],
      seed: config.source.synthetic.seed,
      volatility: config.source.synthetic.volatility,
      rate: config.source.synthetic.rate,
      start: Date.parse('2026-03-03T14:30:00Z'),
    }).next(2);
    for (const tick of live)
      expect(history.filter((h) => h.symbol === tick.symbol).at(-1)!.price).toBe(tick.previousClose);
  });

  it('synthetic: watch shows full indicators with its first live tick, and history fires no alerts', async () => {
    const start = Date.UTC(2026, 2, 3, 14, 30);
    const { seen } = await watchWithHistory(
      { symbols: ['AAPL'], source: { name: 'synthetic', synthetic: { start: '2026-03-03T14:30:00Z' } } },
      { now: () => start },
      '1',
    );
    expect(Object.keys(seen.firstLive!.indicators)).toEqual(
      expect.arrayContaining(['sma_20', 'sma_50', 'ema_26', 'rsi_14', 'macd']),
    );
    for (const alert of seen.alerts) expect(alert.time).toBeGreaterThanOrEqual(start);
    const starts = seen.bars.filter((bar) => bar.interval === '1m').map((bar) => bar.start);
    expect(new Set(starts).size).toBe(starts.length);
    expect(starts.at(-1)).toBe(start);
  });
});
