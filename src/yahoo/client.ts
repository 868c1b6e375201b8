/**
 * The one way StockStream builds a yahoo-finance2 client (quotes, charts, the stream's gap fill,
 * quoteSummary for `info sync`); src/yahoo/failure.ts classifies its failures. The `fetch` option
 * (default: the global fetch) is where tests replay recorded responses; it also sees the cookie and
 * crumb requests.
 */
import type YahooFinance from 'yahoo-finance2';
import type { Logger } from '../ui/logger.ts';

export type YahooClient = InstanceType<typeof YahooFinance>;

/** Yahoo does not know the symbol (HTTP 404 "Quote not found", or an empty result). */
export class UnknownSymbolError extends Error {
  override readonly name = 'UnknownSymbolError';
}

/**
 * A 429, 5xx, 401 or 403 answer. Thrown from our fetch wrapper, before yahoo-finance2 sees the response:
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

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(seconds, 300) * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, Math.min(at - Date.now(), 300_000)) : undefined;
}

/** Statuses the library would print with their URL; the crumb request's own 401/403 it handles (a fresh crumb). */
function isGuarded(status: number, input: Parameters<typeof fetch>[0]): boolean {
  if (status === 429 || status >= 500) return true;
  if (status !== 401 && status !== 403) return false;
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return !url.includes('/v1/test/getcrumb');
}

function guardedFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!isGuarded(response.status, input)) return response;
    await response.body?.cancel().catch(() => {});
    throw new YahooHttpError(response.status, retryAfterMs(response.headers.get('retry-after')));
  };
}

/** The library's own log lines go to our debug level, with the crumb (a session token) scrubbed. */
function libraryLogger(logger: Logger) {
  const line = (args: unknown[]) =>
    `yahoo-finance2: ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`.replace(
      /(crumb\S*\s*)\S+/gi,
      '$1***',
    );
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
  const [{ default: YahooFinance }, { ExtendedCookieJar }] = await Promise.all([
    import('yahoo-finance2'),
    import('yahoo-finance2/lib/cookieJar'),
  ]);
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
