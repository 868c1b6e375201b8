/**
 * One quoteSummary request per symbol through yahoo-finance2 v4 (client and error policy shared
 * with the sources: src/yahoo/client.ts).
 */
import { errorMessage } from '../errors.ts';
import type { Logger } from '../ui/logger.ts';
import { createYahooClient, UnknownSymbolError } from '../yahoo/client.ts';
import { SUMMARY_MODULES } from './map.ts';

export { UnknownSymbolError, YahooHttpError } from '../yahoo/client.ts';

export type FetchSummary = (symbol: string) => Promise<Record<string, unknown>>;

export interface SummaryFetcherOptions {
  logger: Logger;
  /** Replaces the network; receives every request yahoo-finance2 makes. */
  fetch?: typeof fetch;
  /** Requests in flight at once. */
  concurrency?: number;
}

export function createSummaryFetcher(options: SummaryFetcherOptions): FetchSummary {
  let yahoo: ReturnType<typeof createYahooClient> | undefined;
  return async (symbol) => {
    let result: unknown;
    try {
      // Validation off on purpose: Yahoo's payloads drift, and a new or missing field must not cost
      // us the whole symbol. map.ts reads every field defensively instead.
      yahoo ??= createYahooClient({
        logger: options.logger,
        fetch: options.fetch,
        concurrency: options.concurrency ?? 2,
      });
      result = await (await yahoo).quoteSummary(symbol, { modules: [...SUMMARY_MODULES] }, { validateResult: false });
    } catch (error) {
      if (/not found|no fundamentals data/i.test(errorMessage(error)))
        throw new UnknownSymbolError(`Yahoo does not know ${symbol}`);
      throw error;
    }
    if (result === null || typeof result !== 'object') throw new UnknownSymbolError(`Yahoo has no data for ${symbol}`);
    return result as Record<string, unknown>;
  };
}
