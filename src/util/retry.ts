/** Exponential backoff with full jitter, cancellable by an AbortSignal. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
}

export function backoffDelay(
  attempt: number,
  { initialMs = 250, maxMs = 30_000, factor = 2 }: BackoffOptions = {},
): number {
  const ceiling = Math.min(maxMs, initialMs * factor ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface RetryOptions extends BackoffOptions {
  /** Stop retrying after this long (the last error is rethrown). */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Whether an error is worth another try; all are by default. */
  retryable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export async function retry<T>(task: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      const delay = backoffDelay(attempt, options);
      const outOfTime = options.deadlineMs !== undefined && Date.now() - started + delay > options.deadlineMs;
      if (outOfTime || options.signal?.aborted || (options.retryable && !options.retryable(error))) throw error;
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
