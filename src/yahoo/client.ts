/**
 * The one way StockStream builds a yahoo-finance2 client (quotes, charts, the stream's gap fill,
 * quoteSummary for `info sync`) and classifies its failures. The `fetch` option (default: the global
 * fetch) is where tests replay recorded responses; it also sees the cookie and crumb requests.
 */
import type YahooFinance from 'yahoo-finance2';
import type { Logger } from '../ui/logger.ts';

export type YahooClient = InstanceType<typeof YahooFinance>;

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
    if (response.status !== 429 && response.status < 500) return response;
    await response.body?.cancel().catch(() => {});
    throw new YahooHttpError(response.status, retryAfterMs(response.headers.get('retry-after')));
  };
}

/** The library's own log lines go to our debug level, with the crumb (a session token) scrubbed. */
function libraryLogger(logger: Logger) {
  const line = (args: unknown[]) =>
    `yahoo-finance2: ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`.replace(/(crumb\S*\s*)\S+/gi, '$1***');
  const debug = (...args: unknown[]) => logger.debug(line(args));
  return { debug, info: debug, dir: debug, warn: debug, error: debug };
}

export interface YahooClientOptions {
  logger: Logger;
  /** Replaces the network; receives every request yahoo-finance2 makes. */
  fetch?: typeof fetch;
  /** Requests in flight at once (the library's queue). */
  concurrency?: number;
}

/** Loads yahoo-finance2 on first use: commands and sources that never call Yahoo skip its start-up cost. */
export async function createYahooClient(options: YahooClientOptions): Promise<YahooClient> {
  const [{ default: YahooFinance }, { ExtendedCookieJar }] = await Promise.all([import('yahoo-finance2'), import('yahoo-finance2/lib/cookieJar')]);
  return new YahooFinance({
    fetch: guardedFetch(options.fetch ?? globalThis.fetch),
    // A jar per client: the default one is shared by the process, and a refused crumb is dropped with it.
    cookieJar: new ExtendedCookieJar(),
    versionCheck: false,
    suppressNotices: ['yahooSurvey'],
    logger: libraryLogger(options.logger),
    ...(options.concurrency ? { queue: { concurrency: options.concurrency } } : {}),
  });
}
