/**
 * How a run stops while a sink (or Kafka) is down: the first SIGINT/SIGTERM gives the queues
 * `STOP_GRACE_MS` to write what they hold, then aborts their retries, so a stop never waits for a
 * server to come back. What was left is counted per queue and said in one line; what it means
 * (consume: written again by the next start; watch: lost) is up to the caller.
 */
import { errorMessage } from '../errors.ts';
import type { Sink } from '../sinks/types.ts';
import type { Logger } from '../ui/logger.ts';
import type { Unwritten } from './router.ts';

/** How long a stop waits for sinks to write what they hold: well inside the 10 s a stop may take. */
export const STOP_GRACE_MS = 4_000;
/** How long each sink may take to close (a client flushing to a server that is away would wait longer). */
const CLOSE_MS = 1_500;
/** After the retries were aborted, how long the queues get to give up (a write may be in flight). */
const GIVE_UP_MS = 1_000;

/** The flush did not finish before the stop ran out of time. */
export class StopTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${Math.round(ms / 1_000)}s of the stop`);
    this.name = 'StopTimeout';
  }
}

/**
 * Runs `flush` to its end, however long, until `stop` fires; from then on it gets `graceMs` more,
 * after which `retries` is aborted (the sink queues stop retrying and fail) and, a moment later,
 * the wait ends with a StopTimeout even if something still hangs. Rejects with the flush's error.
 */
export async function flushUntilStopped(
  what: string,
  flush: Promise<void>,
  options: { stop: AbortSignal; retries: AbortController; graceMs?: number },
): Promise<void> {
  const graceMs = options.graceMs ?? STOP_GRACE_MS;
  const settled = flush.then(
    () => true,
    () => true,
  );
  await Promise.race([settled, aborted(options.stop)]);
  if (!(await settledWithin(settled, graceMs))) {
    options.retries.abort();
    if (!(await settledWithin(settled, GIVE_UP_MS))) throw new StopTimeout(what, graceMs + GIVE_UP_MS);
  }
  await flush;
}

/** Whether `promise` settled (either way) within `ms`; never rejects. */
export function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([done, late]).finally(() => clearTimeout(timer));
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** "1,234 records not written (influx 1,200, dlq 34)": what a stop left in the queues. */
export function describeUnwritten(unwritten: readonly Unwritten[]): string {
  const total = unwrittenTotal(unwritten);
  const each = unwritten.map((entry) => `${entry.name} ${entry.count.toLocaleString('en-US')}`).join(', ');
  return `${total.toLocaleString('en-US')} record${total === 1 ? '' : 's'} not written${each ? ` (${each})` : ''}`;
}

export function unwrittenTotal(unwritten: readonly Unwritten[]): number {
  return unwritten.reduce((sum, entry) => sum + entry.count, 0);
}

/** Closes every sink, each within CLOSE_MS: a client that waits for a server that is away is left behind. */
export async function closeSinks(sinks: readonly Sink[], logger: Logger): Promise<void> {
  for (const sink of sinks) {
    const closing = sink
      .close()
      .catch((error: unknown) => logger.warn(`${sink.name}: close failed (${errorMessage(error)})`));
    if (!(await settledWithin(closing, CLOSE_MS)))
      logger.debug(`${sink.name}: still closing after ${CLOSE_MS}ms; not waiting for it`);
  }
}
