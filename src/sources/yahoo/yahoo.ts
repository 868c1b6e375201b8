/**
 * The `yahoo` source: polls `quote` for all symbols (≤ batchSize per request) every interval and
 * emits a tick only when price, time or day volume changed. While the market is closed (or in
 * pre/post-market without extended hours) it sleeps until the next session opens instead of polling.
 */
import type { Config } from '../../config/schema.ts';
import { UsageError } from '../../errors.ts';
import type { Tick } from '../../model.ts';
import { sleep } from '../../util/retry.ts';
import { formatEt, nextOpen } from '../market-hours.ts';
import type { Source, SourceContext, SourceDeps, SourceModule } from '../types.ts';
import { createYahooCaller, type YahooCaller } from './caller.ts';
import { isTrading, marketStateOf, quoteToTick, type RawQuote } from './quote-tick.ts';

const MINUTE = 60_000;
/** Longest sleep when Yahoo and our calendar disagree, or for exchanges outside New York. */
const MAX_UNSURE_SLEEP = 15 * MINUTE;

async function pollQuotes(caller: YahooCaller, symbols: string[], batchSize: number): Promise<RawQuote[] | undefined> {
  const quotes: RawQuote[] = [];
  for (let i = 0; i < symbols.length; i += batchSize) {
    const batch = symbols.slice(i, i + batchSize);
    // Unvalidated on purpose: Yahoo's nulls fail the library's schema; quote-tick.ts reads defensively.
    const result = await caller.call('quote', (client) =>
      client.quote(batch, { return: 'array' }, { validateResult: false }),
    );
    if (result === undefined) return undefined;
    quotes.push(...(result as unknown as RawQuote[]));
  }
  return quotes;
}

/** Symbols Yahoo did not answer for are reported once and no longer asked for. */
function dropUnknown(symbols: string[], quotes: RawQuote[], ctx: SourceContext): string[] {
  const answered = new Set(quotes.map((q) => q.symbol));
  const unknown = symbols.filter((s) => !answered.has(s));
  if (unknown.length === 0) return symbols;
  ctx.logger.warn(`Yahoo does not know ${unknown.join(', ')}; dropping ${unknown.length === 1 ? 'it' : 'them'}`, {
    symbols: unknown,
  });
  const known = symbols.filter((s) => answered.has(s));
  if (known.length === 0)
    throw new UsageError(
      `Yahoo knows none of the symbols ${symbols.join(', ')}`,
      'check the tickers on finance.yahoo.com, like AAPL or BRK-B',
    );
  return known;
}

/**
 * How long to sleep while nothing trades: until the next open by the NYSE calendar. When the calendar
 * says open but Yahoo says closed (a holiday not in the table, a late state change), poll again
 * after a growing pause; exchanges outside New York keep a shorter cap since the calendar is not theirs.
 */
export function closedSleepMs(quotes: RawQuote[], now: number, extendedHours: boolean, strikes: number): number {
  const untilOpen = nextOpen(now, extendedHours) - now;
  if (untilOpen < MINUTE) return Math.min(MAX_UNSURE_SLEEP, 30_000 * 2 ** strikes);
  const newYorkOnly = quotes.every(
    (q) => q.exchangeTimezoneName === undefined || q.exchangeTimezoneName === 'America/New_York',
  );
  return newYorkOnly ? untilOpen : Math.min(untilOpen, MAX_UNSURE_SLEEP);
}

export async function runYahoo(config: Config, ctx: SourceContext, deps: SourceDeps = {}): Promise<void> {
  const now = deps.now ?? Date.now;
  const pause = deps.sleep ?? sleep;
  const intervalMs = config.source.yahoo.interval.ms;
  const extendedHours = config.source.extendedHours;
  const caller = createYahooCaller(ctx, deps);
  const lastSeen = new Map<string, string>();
  let symbols = [...new Set(ctx.symbols)];
  let closedStrikes = 0;

  while (!ctx.signal.aborted) {
    const began = now();
    const quotes = await pollQuotes(caller, symbols, config.source.yahoo.batchSize);
    if (quotes === undefined) return;
    symbols = dropUnknown(symbols, quotes, ctx);

    const ticks: Tick[] = [];
    for (const quote of quotes) {
      const tick = quoteToTick(quote, extendedHours);
      if (!tick) continue;
      const seen = `${tick.price}|${tick.time}|${tick.dayVolume}`;
      if (lastSeen.get(tick.symbol) === seen) continue;
      lastSeen.set(tick.symbol, seen);
      ticks.push(tick);
    }
    if (ticks.length > 0) await ctx.emit(ticks);

    if (quotes.some((q) => isTrading(marketStateOf(q), extendedHours))) {
      if (closedStrikes > 0)
        ctx.status(`market open; polling ${symbols.length} symbols every ${config.source.yahoo.interval}`);
      closedStrikes = 0;
      await pause(Math.max(0, intervalMs - (now() - began)), ctx.signal);
    } else {
      const wait = closedSleepMs(quotes, now(), extendedHours, closedStrikes);
      closedStrikes += 1;
      ctx.status(`market closed; next poll ${formatEt(now() + wait)}`);
      await pause(wait, ctx.signal);
    }
  }
}

export const yahooSource: SourceModule = {
  create(config, deps): Source {
    return { name: 'yahoo', run: (ctx) => runYahoo(config, ctx, deps) };
  },
};
