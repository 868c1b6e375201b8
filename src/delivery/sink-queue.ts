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
import { ChunkBuffer, MarkWaiters } from '../util/chunk-buffer.ts';
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
  /** Items enqueued but not written (yet, or ever once the queue failed or closed). */
  unwritten(): number;
  /** Items held: waiting plus the batch being written. */
  buffered(): number;
  full(): boolean;
  /** Resolves once every item up to `mark` is written; writes a partial batch at once. */
  whenWritten(mark: number): Promise<void>;
  /** Stops the flush timer; pending waiters are rejected. */
  close(): void;
}

const MAX_RETRY_DELAY_MS = 30_000;

/** One write in flight (or done, waiting for the writes before it). */
interface Flight {
  /** The mark this batch completes. */
  end: number;
  size: number;
  done: boolean;
  alone: boolean;
}

export function createSinkQueue<T>(writer: QueueWriter<T>, options: SinkQueueOptions): SinkQueue<T> {
  return new BoundedSinkQueue(writer, options);
}

class BoundedSinkQueue<T> implements SinkQueue<T> {
  readonly name: string;
  private readonly concurrency: number;
  /** Items waiting, not counting batches taken for writing. */
  private readonly waiting = new ChunkBuffer<T>();
  private readonly waiters = new MarkWaiters();
  /** Items taken: in flight, or held back until the writes in flight are done. */
  private taken = 0;
  private appendedCount = 0;
  private writtenCount = 0;
  private takenMark = 0;
  private wasFull = false;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Writes in flight, oldest first; `written` advances over the done prefix only. */
  private readonly flights: Flight[] = [];
  /** Flights not done yet (done ones wait in `flights` for those before them). */
  private running = 0;
  /** A batch that must be written alone, waiting for the flights before it. */
  private held: T[] | undefined;

  private readonly writer: QueueWriter<T>;
  private readonly options: SinkQueueOptions;

  constructor(writer: QueueWriter<T>, options: SinkQueueOptions) {
    this.writer = writer;
    this.options = options;
    this.name = writer.name;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  enqueue(items: T[]): void {
    if (items.length === 0 || this.failure) return;
    this.waiting.push(items);
    this.appendedCount += items.length;
    if (this.full()) this.wasFull = true;
    this.schedule();
  }

  appended(): number {
    return this.appendedCount;
  }

  written(): number {
    return this.writtenCount;
  }

  unwritten(): number {
    return this.appendedCount - this.writtenCount;
  }

  buffered(): number {
    return this.waiting.size + this.taken;
  }

  full(): boolean {
    return this.buffered() >= this.options.maxBuffered;
  }

  whenWritten(mark: number): Promise<void> {
    const done = this.waiters.wait(mark, this.writtenCount, this.failure);
    this.schedule(); // a waiter makes the partial batch urgent
    return done;
  }

  close(): void {
    this.stopTimer();
    this.failure ??= new Error(`${this.name}: closed`);
    this.waiters.settle(this.writtenCount, this.failure);
  }

  /** Decides when to write: at once for a full or urgent batch, else after the flush interval. */
  private schedule(): void {
    if (this.failure || (this.waiting.size === 0 && !this.held)) return;
    if (this.running >= this.concurrency) return;
    const urgent = this.waiters.size > 0;
    if (this.held || this.waiting.size >= this.options.batchSize || urgent) {
      this.flush();
    } else if (!this.timer && this.running === 0) {
      this.timer = setTimeout(() => this.flush(), this.options.flushIntervalMs);
    }
  }

  /** Starts one write if there is room: a held batch once it can go alone, else the next batch. */
  private flush(): void {
    this.stopTimer();
    if (this.failure || this.running >= this.concurrency || this.aloneInFlight()) return;
    if (this.held) {
      if (this.running > 0) return;
      const batch = this.held;
      this.held = undefined;
      this.start(batch, true);
    } else {
      if (this.waiting.size === 0) return;
      const batch = this.take();
      const alone = this.mustGoAlone(batch);
      if (alone && this.running > 0) {
        this.held = batch;
        return;
      }
      this.start(batch, alone);
    }
    this.schedule();
  }

  private take(): T[] {
    const batch = this.waiting.take(this.options.batchSize);
    this.taken += batch.length;
    return batch;
  }

  private mustGoAlone(batch: readonly T[]): boolean {
    const { writeAlone } = this.writer;
    return writeAlone !== undefined && batch.some((item) => writeAlone.call(this.writer, item));
  }

  private aloneInFlight(): boolean {
    return this.flights.some((flight) => flight.alone && !flight.done);
  }

  /** Writes the batch, retrying with backoff until it lands, the error is for good, or the signal aborts. */
  private start(batch: T[], alone: boolean): void {
    this.takenMark += batch.length;
    const flight: Flight = { end: this.takenMark, size: batch.length, done: false, alone };
    this.flights.push(flight);
    this.running++;
    void retry(() => this.writeOnce(batch), {
      signal: this.options.signal,
      initialMs: this.options.initialRetryMs ?? 250,
      maxMs: MAX_RETRY_DELAY_MS,
      retryable: (error) => this.writer.fatal?.(error) === undefined,
      onRetry: this.options.onRetry,
    }).then(
      () => this.landed(flight),
      (error: unknown) =>
        this.fail(this.writer.fatal?.(error) ?? new Error(`${this.name}: ${errorMessage(error)}`, { cause: error })),
    );
  }

  private async writeOnce(batch: T[]): Promise<void> {
    const started = performance.now();
    await this.writer.write(batch);
    this.options.onWritten?.(batch.length, performance.now() - started);
  }

  /** A write succeeded: advance the written mark over the done prefix, wake waiters, make room. */
  private landed(flight: Flight): void {
    flight.done = true;
    this.running--;
    while (this.flights[0]?.done) this.writtenCount = this.flights.shift()!.end;
    this.taken -= flight.size;
    this.waiters.settle(this.writtenCount);
    if (this.wasFull && this.buffered() <= this.options.maxBuffered / 2) {
      this.wasFull = false;
      this.options.onSpace?.();
    }
    this.schedule();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.waiting.clear();
    this.waiters.settle(this.writtenCount, error);
    this.options.onFailed(error);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
