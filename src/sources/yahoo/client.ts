/**
 * The yahoo-finance2 client of the sources (quote polling, chart backfill, stream gap fill) and the
 * one policy for its failures: 429s and crumb refusals back off exponentially with jitter and a
 * status line, a crumb refusal also starts a fresh cookie jar, network and 5xx trouble retries, the
 * rest is thrown.
 */
import YahooFinance from 'yahoo-finance2';
import { ExtendedCookieJar } from 'yahoo-finance2/lib/cookieJar';
import { errorMessage } from '../../errors.ts';
import { isRateLimited, isRetryable, YahooHttpError } from '../../info/yahoo-summary.ts';
import { backoffDelay, sleep } from '../../util/retry.ts';
import type { Logger } from '../../ui/logger.ts';
import type { SourceContext, SourceDeps } from '../types.ts';

export type YahooClient = InstanceType<typeof YahooFinance>;

function retryAfterMs(header: string | null): number | undefined {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) ? Math.min(seconds, 300) * 1000 : undefined;
}

/**
 * Turns 429 and 5xx answers into errors before yahoo-finance2 sees them: on a non-JSON error page
 * the library prints the request URL, session crumb included, to stderr.
 */
function guardFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (response.status !== 429 && response.status < 500) return response;
    await response.body?.cancel().catch(() => {});
    throw new YahooHttpError(response.status, retryAfterMs(response.headers.get('retry-after')));
  };
}

function libraryLogger(logger: Logger) {
  // Debug lines of the library name the crumb, a session token.
  const line = (args: unknown[]) =>
    `yahoo-finance2: ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`.replace(/(crumb\S*\s*)\S+/gi, '$1***');
  const debug = (...args: unknown[]) => logger.debug(line(args));
  return { debug, info: debug, dir: debug, warn: debug, error: debug };
}

export function createYahooClient(logger: Logger, deps: SourceDeps = {}): YahooClient {
  return new YahooFinance({
    fetch: guardFetch(deps.fetch ?? globalThis.fetch),
    // A jar per client: the default one is shared by the process, and a refused crumb is dropped with it.
    cookieJar: new ExtendedCookieJar(),
    versionCheck: false,
    suppressNotices: ['yahooSurvey'],
    logger: libraryLogger(logger),
  });
}

export interface YahooCaller {
  /**
   * Runs a request, retrying what is worth retrying until it succeeds or the signal fires
   * (then it resolves undefined). Errors that are not worth retrying are thrown.
   */
  call<T>(what: string, request: (client: YahooClient) => Promise<T>): Promise<T | undefined>;
}

const BACKOFF = { initialMs: 2_000, maxMs: 5 * 60_000 };

/** A client plus the shared backoff of one source: one refusal slows every request of the run. */
export function createYahooCaller(ctx: SourceContext, deps: SourceDeps = {}): YahooCaller {
  const pause = deps.sleep ?? sleep;
  let client = createYahooClient(ctx.logger, deps);
  let strikes = 0;
  return {
    async call(what, request) {
      while (!ctx.signal.aborted) {
        try {
          const result = await request(client);
          if (strikes > 0) ctx.status('Yahoo answers again');
          strikes = 0;
          return result;
        } catch (error) {
          const crumb = !(error instanceof YahooHttpError) && /crumb|cookie|consent/i.test(errorMessage(error));
          if (!crumb && !isRetryable(error)) throw error;
          if (crumb) client = createYahooClient(ctx.logger, deps);
          const hinted = error instanceof YahooHttpError ? error.retryAfterMs : undefined;
          const delay = Math.max(hinted ?? 0, backoffDelay(strikes, BACKOFF));
          strikes += 1;
          const reason = crumb ? 'Yahoo refused the crumb' : isRateLimited(error) ? 'rate limited by Yahoo (429)' : `Yahoo failed (${errorMessage(error)})`;
          ctx.status(`${reason} on ${what}; retry ${strikes} in ${(delay / 1000).toFixed(1)}s`);
          await pause(delay, ctx.signal);
        }
      }
      return undefined;
    },
  };
}
