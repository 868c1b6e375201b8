/**
 * The bounded buffer in front of one sink (or the dead-letter writer): batches of `batchSize`,
 * a partial batch after `flushInterval`, one write in flight (so a later version of a bar never
 * overtakes an earlier one), retry with backoff until the write succeeds, and marks that say how
 * far the sink has acknowledged — a checkpoint waits for its mark before offsets are committed.
 *
 * `enqueue` never waits: the engine checks `full()` and pauses the Kafka partitions instead, so
 * the hot path has no per-message promise.
 */
import { errorMessage } from '../errors.ts';
import { retry } from '../util/retry.ts';

export interface QueueWriter<T> {
  readonly name: string;
  write(batch: T[]): Promise<void>;
  /** The error to stop with when no retry can fix this one. */
  fatal?(error: unknown): Error | undefined;
}

export interface SinkQueueOptions {
  batchSize: number;
  flushIntervalMs: number;
  maxBuffered: number;
  /** Aborting ends retries (a stop that ran out of time). */
  signal: AbortSignal;
  /** First retry delay; doubles up to 30s (default 250ms). */
  initialRetryMs?: number;
  onWritten?(count: number, durationMs: number): void;
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  /** The queue gave up: the engine must stop without committing what it did not write. */
  onFailed(error: Error): void;
  /** Called when a full queue drained below half, so paused partitions can resume. */
  onSpace?(): void;
}

export interface SinkQueue<T> {
  readonly name: string;
  enqueue(items: T[]): void;
  /** How many items were ever enqueued: the mark a checkpoint waits for. */
  appended(): number;
  /** How many items were written. */
  written(): number;
  /** Items held: waiting plus the batch being written. */
  buffered(): number;
  full(): boolean;
  /** Resolves once every item up to `mark` is written; writes a partial batch at once. */
  whenWritten(mark: number): Promise<void>;
  /** Stops the flush timer; pending waiters are rejected. */
  close(): void;
}

const MAX_RETRY_DELAY_MS = 30_000;

interface Waiter {
  mark: number;
  resolve(): void;
  reject(error: Error): void;
}

export function createSinkQueue<T>(writer: QueueWriter<T>, options: SinkQueueOptions): SinkQueue<T> {
  const chunks: T[][] = [];
  /** Items waiting, not counting the batch in flight. */
  let buffered = 0;
  let inFlight = 0;
  let appended = 0;
  let written = 0;
  let writing = false;
  let wasFull = false;
  let failure: Error | undefined;
  let timer: NodeJS.Timeout | undefined;
  let waiters: Waiter[] = [];

  const take = (): T[] => {
    const batch: T[] = [];
    while (chunks.length > 0 && batch.length < options.batchSize) {
      const chunk = chunks[0]!;
      const room = options.batchSize - batch.length;
      if (chunk.length <= room) {
        for (const item of chunk) batch.push(item);
        chunks.shift();
      } else {
        for (const item of chunk.splice(0, room)) batch.push(item);
      }
    }
    buffered -= batch.length;
    return batch;
  };

  const settle = () => {
    if (waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of waiters) {
      if (written >= waiter.mark) waiter.resolve();
      else if (failure) waiter.reject(failure);
      else still.push(waiter);
    }
    waiters = still;
  };

  const fail = (error: Error) => {
    failure = error;
    chunks.length = 0;
    settle();
    options.onFailed(error);
  };

  const writeOnce = async (batch: T[]) => {
    const started = performance.now();
    await writer.write(batch);
    options.onWritten?.(batch.length, performance.now() - started);
  };

  const flush = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (writing || buffered === 0 || failure) return;
    writing = true;
    const batch = take();
    inFlight = batch.length;
    try {
      await retry(() => writeOnce(batch), {
        signal: options.signal,
        initialMs: options.initialRetryMs ?? 250,
        maxMs: MAX_RETRY_DELAY_MS,
        retryable: (error) => writer.fatal?.(error) === undefined,
        onRetry: options.onRetry,
      });
      written += batch.length;
    } catch (error) {
      const fatal = writer.fatal?.(error);
      fail(fatal ?? new Error(`${writer.name}: ${errorMessage(error)}`, { cause: error }));
    } finally {
      writing = false;
      inFlight = 0;
    }
    settle();
    if (wasFull && buffered <= options.maxBuffered / 2) {
      wasFull = false;
      options.onSpace?.();
    }
    schedule();
  };

  const urgent = () => waiters.length > 0;

  function schedule(): void {
    if (writing || buffered === 0 || failure) return;
    if (buffered >= options.batchSize || urgent()) {
      void flush();
    } else if (!timer) {
      timer = setTimeout(() => void flush(), options.flushIntervalMs);
    }
  }

  return {
    name: writer.name,
    enqueue(items) {
      if (items.length === 0 || failure) return;
      chunks.push(items);
      buffered += items.length;
      appended += items.length;
      if (buffered + inFlight >= options.maxBuffered) wasFull = true;
      schedule();
    },
    appended: () => appended,
    written: () => written,
    buffered: () => buffered + inFlight,
    full: () => buffered + inFlight >= options.maxBuffered,
    whenWritten(mark) {
      if (written >= mark) return Promise.resolve();
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        waiters.push({ mark, resolve, reject });
        schedule();
      });
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      failure ??= new Error(`${writer.name}: closed`);
      settle();
    },
  };
}
