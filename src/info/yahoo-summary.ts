/**
 * One quoteSummary request per symbol through yahoo-finance2 v4. The `fetch` option is where tests
 * (and STOCKSTREAM_YAHOO_FIXTURES) replay recorded responses; it also sees the cookie and crumb
 * requests.
 */
import YahooFinance from 'yahoo-finance2';
import { ExtendedCookieJar } from 'yahoo-finance2/lib/cookieJar';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../ui/logger.ts';
import { SUMMARY_MODULES } from './map.ts';

/** Yahoo does not know the symbol (HTTP 404 "Quote not found", or an empty result). */
export class UnknownSymbolError extends Error {
  override readonly name = 'UnknownSymbolError';
}

/**
 * A 429 or 5xx answer. Thrown from our fetch wrapper, before yahoo-finance2 sees the response:
 * the library would print the request URL (with the session crumb) to stderr on its own.
 * Named HTTPError with `.code` like the library's own, so both are handled alike.
 */
export class YahooHttpError extends Error {
  override readonly name = 'HTTPError';
  readonly code: number;
  readonly retryAfterMs: number | undefined;

  constructor(status: number, retryAfterMs: number | undefined) {
    super(status === 429 ? 'Yahoo answered 429 Too Many Requests' : `Yahoo answered HTTP ${status}`);
    this.code = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export type FetchSummary = (symbol: string) => Promise<Record<string, unknown>>;

export interface SummaryFetcherOptions {
  logger: Logger;
  /** Replaces the network; receives every request yahoo-finance2 makes. */
  fetch?: typeof fetch;
  /** Requests in flight at once. */
  concurrency?: number;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(seconds, 300) * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, Math.min(at - Date.now(), 300_000)) : undefined;
}

function guardedFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel().catch(() => {});
      throw new YahooHttpError(response.status, retryAfterMs(response.headers.get('retry-after')));
    }
    return response;
  };
}

export function isRateLimited(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  if (e?.name === 'HTTPError' && e.code === 429) return true;
  // Crumb refusals are how Yahoo rate-limits the cookie handshake.
  return typeof e?.message === 'string' && /crumb/i.test(e.message);
}

/** Worth another try later: rate limits, server errors, network trouble. Not: unknown symbols, bad options. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof UnknownSymbolError) return false;
  if (isRateLimited(error)) return true;
  const e = error as { name?: unknown; code?: unknown };
  if (e?.name === 'HTTPError') return typeof e.code === 'number' && e.code >= 500;
  if (e?.name === 'FailedYahooValidationError' || e?.name === 'InvalidOptionsError' || e?.name === 'BadRequestError') return false;
  return e?.name === 'TypeError' || e?.name === 'AbortError' || e?.name === 'TimeoutError'; // fetch network failures
}

function yahooLogger(logger: Logger) {
  // The crumb is a session token: debug lines name it, our logs must not.
  const line = (args: unknown[]) =>
    `yahoo-finance2: ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`.replace(/(crumb[^:]*:\s*)\S+/gi, '$1***');
  return {
    debug: (...args: unknown[]) => logger.debug(line(args)),
    info: (...args: unknown[]) => logger.debug(line(args)),
    dir: (...args: unknown[]) => logger.debug(line(args)),
    warn: (...args: unknown[]) => logger.warn(line(args)),
    error: (...args: unknown[]) => logger.error(line(args)),
  };
}

export function createSummaryFetcher(options: SummaryFetcherOptions): FetchSummary {
  const yahoo = new YahooFinance({
    fetch: guardedFetch(options.fetch ?? globalThis.fetch),
    // Its own jar per run: the default jar is shared by every instance in the process.
    cookieJar: new ExtendedCookieJar(),
    versionCheck: false,
    suppressNotices: ['yahooSurvey'],
    logger: yahooLogger(options.logger),
    queue: { concurrency: options.concurrency ?? 2 },
  });
  return async (symbol) => {
    let result: unknown;
    try {
      // Validation off on purpose: Yahoo's payloads drift, and a new or missing field must not cost
      // us the whole symbol. map.ts reads every field defensively instead.
      result = await yahoo.quoteSummary(symbol, { modules: [...SUMMARY_MODULES] }, { validateResult: false });
    } catch (error) {
      if (/not found|no fundamentals data/i.test(errorMessage(error))) throw new UnknownSymbolError(`Yahoo does not know ${symbol}`);
      throw error;
    }
    if (result === null || typeof result !== 'object') throw new UnknownSymbolError(`Yahoo has no data for ${symbol}`);
    return result as Record<string, unknown>;
  };
}
