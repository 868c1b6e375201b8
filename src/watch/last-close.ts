/**
 * The yahoo sources send nothing while the market is closed (they sleep until the next open), which
 * would leave the table empty. One quote request at start-up fills it with the last close of every
 * symbol, marked closed. These ticks only feed the screen: they are not live observations, so they
 * never reach the window pipeline or the sinks.
 */
import type { Config } from '../config/schema.ts';
import type { SourceSpec } from '../sources/types.ts';
import { sourceSpec } from '../sources/catalog.ts';
import type { Tick } from '../model.ts';
import { marketStateAt } from '../sources/market-hours.ts';
import type { SourceContext, SourceDeps } from '../sources/types.ts';
import { isTrading, marketStateOf, quoteToTick, type RawQuote } from '../sources/yahoo/quote-tick.ts';

/** Whether the table would stay empty: a yahoo source outside the sessions it publishes. */
export function needsLastClose(config: Config, now: number): boolean {
  const source: SourceSpec = sourceSpec(config.source.name);
  return source.service === 'yahoo' && !isTrading(marketStateAt(now), config.source.extendedHours);
}

/** The last regular-session quote of every symbol that is not trading now; empty when all trade. */
export function closedTicks(quotes: readonly RawQuote[], extendedHours: boolean): Tick[] {
  const ticks: Tick[] = [];
  for (const quote of quotes) {
    const state = marketStateOf(quote);
    if (isTrading(state, extendedHours)) continue;
    // Read as if in session, so the regular-market price and time are the tick's: the last close.
    const tick = quoteToTick({ ...quote, marketState: 'REGULAR' }, false);
    if (tick) ticks.push({ ...tick, source: 'yahoo', marketState: state });
  }
  return ticks;
}

export async function lastCloseTicks(config: Config, ctx: SourceContext, deps: SourceDeps = {}): Promise<Tick[]> {
  if (!needsLastClose(config, (deps.now ?? Date.now)())) return [];
  // Loaded only here: yahoo-finance2 is heavy, and the synthetic and replay sources never need it.
  const { createYahooCaller } = await import('../sources/yahoo/caller.ts');
  const caller = createYahooCaller(ctx, deps);
  const { batchSize } = config.source.yahoo;
  const quotes: RawQuote[] = [];
  for (let i = 0; i < ctx.symbols.length; i += batchSize) {
    const batch = ctx.symbols.slice(i, i + batchSize);
    // Unvalidated like the yahoo source's own polls: Yahoo's nulls fail the library's schema.
    const result = await caller.call('quote', (client) =>
      client.quote(batch, { return: 'array' }, { validateResult: false }),
    );
    if (result === undefined) return [];
    quotes.push(...(result as unknown as RawQuote[]));
  }
  return closedTicks(quotes, config.source.extendedHours);
}
