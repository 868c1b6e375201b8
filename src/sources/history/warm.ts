/**
 * Warm start of `watch`: recent history played before the live source, so SMA, EMA, RSI, MACD and
 * the charts are full from the first screen. Every history tick is marked `backfill: true` (watch
 * fires no alerts on it), and the history ends where the live source begins:
 *
 * - yahoo, yahoo-stream: 1m chart bars from the open of the previous session until now (two
 *   sessions at most, well inside Yahoo's 7 days per 1m request); the live ticks then continue the
 *   bar that is still open, so the seam is one bar, not two.
 * - synthetic: the session before the live one, from the same seeded generator, scaled so that its
 *   last price is the live source's previous close (deterministic, no jump at the seam).
 * - replay: nothing; the file is the history.
 */
import type { Config } from '../../config/schema.ts';
import { errorMessage } from '../../errors.ts';
import type { Tick } from '../../model.ts';
import { createBarTicker, type BarTicker } from '../backfill/bar-ticks.ts';
import { positive } from '../fields.ts';
import { currentOrNextSession, latestSession } from '../market-hours.ts';
import { defaultStart } from '../synthetic/synthetic.ts';
import { createSyntheticGenerator } from '../synthetic/generator.ts';
import type { Source, SourceContext, SourceDeps } from '../types.ts';
import { createYahooCaller } from '../yahoo/caller.ts';
import { fetchBars, type ChartBars } from '../yahoo/chart.ts';

/** One synthetic history tick per symbol this often: enough ticks for real candles, quick to play. */
const SYNTHETIC_HISTORY_STEP_MS = 5_000;

/**
 * A bar as four ticks in its first milliseconds (open, high, low, close), so the bars rebuilt from
 * them have the bar's own range and volume, and a live tick later in the same minute still lands
 * after them in that bar.
 */
export function barPathTicks(close: Tick, bar: ChartBars['bars'][number]): Tick[] {
  const open = bar.open ?? close.price;
  const high = bar.high ?? close.price;
  const low = bar.low ?? close.price;
  return [
    { ...close, price: open },
    { ...close, time: close.time + 1, price: high },
    { ...close, time: close.time + 2, price: low },
    { ...close, time: close.time + 3 },
  ];
}

/** Chart bars as ticks that rebuild the same bars (range and volume): four ticks a bar. */
export function chartTicks(ticker: BarTicker, symbol: string, chart: ChartBars): Tick[] {
  // The ticker skips the bars without a usable close; so does the path, to keep them paired.
  const bars = chart.bars.filter((bar) => positive(bar.close) !== undefined);
  return ticker.ticks(symbol, bars, chart.meta).flatMap((close, i) => barPathTicks(close, bars[i]!));
}

async function yahooHistory(config: Config, ctx: SourceContext, deps: SourceDeps): Promise<void> {
  const now = (deps.now ?? Date.now)();
  const from = latestSession(latestSession(now).open - 1).open;
  const caller = createYahooCaller(ctx, deps);
  const ticker = createBarTicker({ source: 'backfill', backfill: true });
  for (const symbol of ctx.symbols) {
    if (ctx.signal.aborted) return;
    try {
      const chart = await fetchBars(caller, symbol, from, now, '1m', false);
      if (chart === undefined) return;
      const ticks = chartTicks(ticker, symbol, chart);
      if (ticks.length > 0) await ctx.emit(ticks);
    } catch (error) {
      // Watch works without history; it only starts colder.
      ctx.logger.warn(`no history for ${symbol} (${errorMessage(error)}); its indicators fill as bars close`);
    }
  }
}

/** The synthetic session before the live one, ending at the live source's previous close. */
export function syntheticHistory(config: Config, now: number): Tick[] {
  const options = config.source.synthetic;
  const symbols = config.symbols;
  const liveStart = options.start ? Date.parse(options.start) : defaultStart(now);
  const live = createSyntheticGenerator({
    symbols,
    seed: options.seed,
    volatility: options.volatility,
    rate: options.rate,
    start: liveStart,
  });
  const liveSession = currentOrNextSession(liveStart);
  const prior = latestSession(liveSession.open - 1);
  const history = createSyntheticGenerator({
    symbols,
    // Another walk than the live one, from the same seed.
    seed: options.seed + 1,
    volatility: options.volatility,
    rate: (symbols.length * 1000) / SYNTHETIC_HISTORY_STEP_MS,
    start: prior.open,
  });
  const ticks = history.next(Math.floor((prior.close - prior.open) / SYNTHETIC_HISTORY_STEP_MS) * symbols.length);
  const reference = new Map(live.next(symbols.length).map((tick) => [tick.symbol, tick.previousClose ?? tick.price]));
  const lastPrice = new Map<string, number>();
  for (const tick of ticks) lastPrice.set(tick.symbol, tick.price);
  const cents = (value: number | undefined, factor: number) =>
    value === undefined ? undefined : Math.max(0.01, Math.round(value * factor * 100) / 100);
  return ticks.map((tick) => {
    const factor = (reference.get(tick.symbol) as number) / (lastPrice.get(tick.symbol) as number);
    const scaled: Tick = { ...tick, source: 'backfill', backfill: true, price: cents(tick.price, factor) as number };
    for (const field of ['bid', 'ask', 'dayHigh', 'dayLow', 'open', 'previousClose'] as const) {
      if (tick[field] !== undefined) scaled[field] = cents(tick[field], factor);
    }
    return scaled;
  });
}

export function warmHistory(config: Config, deps: SourceDeps = {}): Source | undefined {
  switch (config.source.name) {
    case 'replay':
      return undefined;
    case 'synthetic':
      return { name: 'backfill', run: (ctx) => ctx.emit(syntheticHistory(config, (deps.now ?? Date.now)())) };
    case 'yahoo':
    case 'yahoo-stream':
      return { name: 'backfill', run: (ctx) => yahooHistory(config, ctx, deps) };
  }
}

/**
 * The sources of a watch run with their history: the live source plays its history first (under
 * its own name: the history is part of it, not a source the user chose). Unchanged when a
 * --backfill is configured (that is the history then).
 */
export function withWarmHistory(config: Config, planned: Source[], deps?: SourceDeps): Source[] {
  const history = config.source.backfill ? undefined : warmHistory(config, deps);
  const live = planned.at(-1);
  if (!history || !live || planned.length !== 1) return planned;
  return [
    {
      name: live.name,
      async run(ctx) {
        await history.run(ctx);
        if (!ctx.signal.aborted) await live.run(ctx);
      },
    },
  ];
}
