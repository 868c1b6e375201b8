/**
 * The two halves of every bounded in-memory buffer in StockStream (the sink queues and the Kafka
 * publisher): items held in the chunks callers handed over, taken from the front in bounded batches,
 * and promises waiting until a running count (written, acknowledged) reaches a mark.
 *
 * Chunks are kept as given, not copied item by item, so a caller that appends a batch of 2,000
 * outputs pays one array push; a batch that ends inside a chunk splices it.
 */

/** A cap on a batch's total cost (bytes, say) besides its length; the first item always fits. */
export interface BatchBudget<T> {
  cost(item: T): number;
  limit: number;
}

export class ChunkBuffer<T> {
  private readonly chunks: T[][] = [];
  private count = 0;

  /** Items held. */
  get size(): number {
    return this.count;
  }

  /** Appends the items; the buffer owns the array from now on (a batch may splice it). */
  push(items: T[]): void {
    if (items.length === 0) return;
    this.chunks.push(items);
    this.count += items.length;
  }

  /** Up to `max` items from the front, and within `budget` when given (at least one item). */
  take(max: number, budget?: BatchBudget<T>): T[] {
    const batch: T[] = [];
    let spent = 0;
    while (this.chunks.length > 0 && batch.length < max) {
      const chunk = this.chunks[0]!;
      let fits = Math.min(chunk.length, max - batch.length);
      if (budget) {
        let n = 0;
        while (n < fits) {
          const cost = budget.cost(chunk[n]!);
          if (batch.length + n > 0 && spent + cost > budget.limit) break;
          spent += cost;
          n += 1;
        }
        fits = n;
      }
      if (fits === chunk.length) {
        for (const item of chunk) batch.push(item);
        this.chunks.shift();
      } else {
        for (const item of chunk.splice(0, fits)) batch.push(item);
        break; // the next item is over the length or the budget
      }
    }
    this.count -= batch.length;
    return batch;
  }

  /** Drops everything held (a buffer that failed for good). */
  clear(): void {
    this.chunks.length = 0;
    this.count = 0;
  }
}

interface Waiter {
  mark: number;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Promises that resolve once a running count reaches their mark, or reject with the failure that
 * means it never will. The owner calls `settle` whenever the count moves or a failure happens.
 */
export class MarkWaiters {
  private waiters: Waiter[] = [];

  get size(): number {
    return this.waiters.length;
  }

  /** Resolves once `settle` saw `reached >= mark`; settled at once when it already is (or failed). */
  wait(mark: number, reached: number, failure?: Error): Promise<void> {
    if (reached >= mark) return Promise.resolve();
    if (failure) return Promise.reject(failure);
    return new Promise<void>((resolve, reject) => this.waiters.push({ mark, resolve, reject }));
  }

  /** Resolves the waiters whose mark is reached; with a failure, rejects all the others. */
  settle(reached: number, failure?: Error): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (reached >= waiter.mark) waiter.resolve();
      else if (failure) waiter.reject(failure);
      else still.push(waiter);
    }
    this.waiters = still;
  }
}
