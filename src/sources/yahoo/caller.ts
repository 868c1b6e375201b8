/**
 * How the sources call Yahoo (quote polling, chart backfill, stream gap fill, warm starts): the one
 * client of src/yahoo/client.ts behind one policy for its failures. 429s and crumb refusals back off
 * exponentially with jitter and a status line (and a warning naming the cause and its fix, once per
 * cause); a crumb refusal also starts a fresh cookie jar; network and 5xx trouble retries; the rest
 * is thrown.
 */
import { backoffDelay, sleep } from '../../util/retry.ts';
import { createYahooClient, YahooHttpError, type YahooClient } from '../../yahoo/client.ts';
import { explainYahooFailure } from '../../yahoo/failure.ts';
import type { SourceContext, SourceDeps } from '../types.ts';

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
  let client: Promise<YahooClient> | undefined;
  let strikes = 0;
  let warned: string | undefined;
  return {
    async call(what, request) {
      while (!ctx.signal.aborted) {
        try {
          client ??= createYahooClient({ logger: ctx.logger, fetch: deps.fetch });
          const result = await request(await client);
          if (strikes > 0) ctx.status('Yahoo answers again');
          if (warned !== undefined) ctx.logger.info('Yahoo answers again');
          strikes = 0;
          warned = undefined;
          return result;
        } catch (error) {
          const failure = explainYahooFailure(error);
          const session = failure.kind === 'session';
          if (!failure.retryable) throw error;
          if (session) client = undefined; // a fresh client, with a fresh cookie jar
          const hinted = error instanceof YahooHttpError ? error.retryAfterMs : undefined;
          const delay = Math.max(hinted ?? 0, backoffDelay(strikes, BACKOFF));
          strikes += 1;
          // A warning with the fix when the cause is new; while it lasts, the status line counts the retries.
          if (failure.cause !== warned)
            ctx.logger.warn(`${failure.cause} on ${what}; retrying — fix: ${failure.fix}`, { kind: failure.kind });
          warned = failure.cause;
          ctx.status(`${failure.cause} on ${what}; retry ${strikes} in ${(delay / 1000).toFixed(1)}s`);
          await pause(delay, ctx.signal);
        }
      }
      return undefined;
    },
  };
}
