/**
 * Shared backoff for every request of one `info sync` run: when Yahoo answers 429 (or refuses a
 * crumb) for any symbol, all symbols wait, with exponentially growing pauses while it keeps
 * refusing. Per-symbol retry alone would keep hammering with the other symbols in the meantime.
 */
import { backoffDelay, sleep, type BackoffOptions } from '../util/retry.ts';

export interface RateGate {
  /** Resolves when requests may go out again (at once when nobody was refused lately). */
  wait(signal?: AbortSignal): Promise<void>;
  /** Yahoo refused a request: everyone pauses. Returns the pause in ms. */
  refused(retryAfterMs?: number): number;
  /** A request went through: the next refusal starts from a shorter pause again. */
  succeeded(): void;
}

export function createRateGate(options: BackoffOptions = {}): RateGate {
  let strikes = 0;
  let openAt = 0;
  return {
    async wait(signal) {
      // Loop: another refusal may push openAt further while we sleep.
      while (!signal?.aborted && Date.now() < openAt) await sleep(openAt - Date.now(), signal);
    },
    refused(retryAfterMs) {
      const pause = Math.max(retryAfterMs ?? 0, backoffDelay(strikes, options));
      strikes += 1;
      openAt = Math.max(openAt, Date.now() + pause);
      return pause;
    },
    succeeded() {
      strikes = Math.max(0, strikes - 1);
    },
  };
}
