/**
 * The bounded buffer in front of one sink (or the dead-letter writer): batches of `batchSize`,
 * a partial batch after `flushInterval`, up to `concurrency` writes in flight (a batch with an item
 * that must not race a later version of itself is written alone), retry with backoff until the
 * write succeeds, and marks that say how far the sink has acknowledged, in order — a checkpoint
 * waits for its mark before offsets are committed.
 *
 * `enqueue` never waits: the engine checks `full()` and pauses the Kafka partitions instead, so
 * the hot path has no per-message promise.
 */
import { errorMessage } from '../errors.ts';
import { retry } from '../util/retry.ts';

export interface QueueWriter<T> {
  readonly name: string;
  write(batch: T[]): Promise<void>;
  /**
   * Items that may have a later version of the same point coming (interim bars): a batch holding
   * one is written alone, so versions never race each other when writes run concurrently.
   */
  writeAlone?(item: T): boolean;
  /** The error to stop with when no retry can fix this one. */
  fatal?(error: unknown): Error | undefined;
}

export interface SinkQueueOptions {
  batchSize: number;
  flushIntervalMs: number;
  /** Writes in flight at once (default 1); completion still advances the marks in order. */
  concurrency?: number;
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

interface Flight {
  /** The mark this batch completes. */
  end: number;
  size: number;
  done: boolean;
  alone: boolean;
}

export function createSinkQueue<T>(writer: QueueWriter<T>, options: SinkQueueOptions): SinkQueue<T> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const chunks: T[][] = [];
  /** Items waiting, not counting batches taken for writing. */
  let buffered = 0;
  /** Items taken: in flight, or held back until the writes in flight are done. */
  let taken = 0;
  let appended = 0;
  let written = 0;
  let wasFull = false;
  let failure: Error | undefined;
  let timer: NodeJS.Timeout | undefined;
  let waiters: Waiter[] = [];
  /** Writes in flight, oldest first; `written` advances over the done prefix only. */
  const flights: Flight[] = [];
  /** A batch that must be written alone, waiting for the flights before it. */
  let held: T[] | undefined;
  let takenMark = 0;
  /** Flights not done yet (done ones wait in `flights` for those before them). */
  let running = 0;

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
    taken += batch.length;
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
    if (failure) return;
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

  const start = (batch: T[], alone: boolean) => {
    takenMark += batch.length;
    const flight: Flight = { end: takenMark, size: batch.length, done: false, alone };
    flights.push(flight);
    running++;
    void retry(() => writeOnce(batch), {
      signal: options.signal,
      initialMs: options.initialRetryMs ?? 250,
      maxMs: MAX_RETRY_DELAY_MS,
      retryable: (error) => writer.fatal?.(error) === undefined,
      onRetry: options.onRetry,
    }).then(
      () => {
        flight.done = true;
        running--;
        while (flights[0]?.done) written = flights.shift()!.end;
        taken -= flight.size;
        settle();
        if (wasFull && buffered + taken <= options.maxBuffered / 2) {
          wasFull = false;
          options.onSpace?.();
        }
        schedule();
      },
      (error: unknown) => fail(writer.fatal?.(error) ?? new Error(`${writer.name}: ${errorMessage(error)}`, { cause: error })),
    );
  };

  /** Starts one write if there is room: a held batch once alone, else the next batch. */
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (failure || running >= concurrency || flights.some((flight) => flight.alone && !flight.done)) return;
    if (held) {
      if (running > 0) return;
      const batch = held;
      held = undefined;
      start(batch, true);
    } else {
      if (buffered === 0) return;
      const batch = take();
      const alone = writer.writeAlone !== undefined && batch.some((item) => writer.writeAlone!(item));
      if (alone && running > 0) {
        held = batch;
        return;
      }
      start(batch, alone);
    }
    schedule();
  };

  const urgent = () => waiters.length > 0;

  function schedule(): void {
    if (failure || (buffered === 0 && !held)) return;
    if (running >= concurrency) return;
    if (held || buffered >= options.batchSize || urgent()) {
      flush();
    } else if (!timer && running === 0) {
      timer = setTimeout(flush, options.flushIntervalMs);
    }
  }

  return {
    name: writer.name,
    enqueue(items) {
      if (items.length === 0 || failure) return;
      chunks.push(items);
      buffered += items.length;
      appended += items.length;
      if (buffered + taken >= options.maxBuffered) wasFull = true;
      schedule();
    },
    appended: () => appended,
    written: () => written,
    buffered: () => buffered + taken,
    full: () => buffered + taken >= options.maxBuffered,
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
