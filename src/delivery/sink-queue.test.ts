import { describe, expect, it } from 'vitest';
import { createSinkQueue, type QueueWriter, type SinkQueueOptions } from './sink-queue.ts';

interface Recorder extends QueueWriter<number> {
  batches: number[][];
  /** Fail the next n writes with this error. */
  failNext(n: number, error?: Error): void;
}

function recorder(): Recorder {
  let failures = 0;
  let failWith = new Error('down');
  const batches: number[][] = [];
  return {
    name: 'test',
    batches,
    failNext(n, error = new Error('down')) {
      failures = n;
      failWith = error;
    },
    async write(batch) {
      if (failures > 0) {
        failures--;
        throw failWith;
      }
      batches.push([...batch]);
    },
    fatal: (error) => ((error as Error).message === 'forbidden' ? new Error('refused for good') : undefined),
  };
}

function options(overrides: Partial<SinkQueueOptions> = {}): SinkQueueOptions {
  return {
    batchSize: 3,
    flushIntervalMs: 20,
    maxBuffered: 6,
    signal: new AbortController().signal,
    onFailed: () => {},
    initialRetryMs: 1,
    ...overrides,
  };
}

describe('sink queue', () => {
  it('writes full batches in order and a partial batch after the flush interval', async () => {
    const writer = recorder();
    const queue = createSinkQueue(writer, options());
    queue.enqueue([1, 2]);
    queue.enqueue([3, 4, 5, 6, 7]);
    expect(queue.appended()).toBe(7);
    await queue.whenWritten(7);
    expect(writer.batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...writer.batches.map((batch) => batch.length))).toBeLessThanOrEqual(3);
    expect(queue.written()).toBe(7);
    queue.close();
  });

  it('writes a partial batch on its own once the flush interval passed', async () => {
    const writer = recorder();
    const queue = createSinkQueue(writer, options({ flushIntervalMs: 10 }));
    queue.enqueue([1]);
    const deadline = Date.now() + 2_000;
    while (writer.batches.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(writer.batches).toEqual([[1]]);
    queue.close();
  });

  it('retries a failing write until it succeeds, without losing or reordering items', async () => {
    const writer = recorder();
    const retries: number[] = [];
    const queue = createSinkQueue(writer, options({ onRetry: (_e, attempt) => retries.push(attempt) }));
    writer.failNext(3);
    queue.enqueue([1, 2, 3, 4]);
    await queue.whenWritten(4);
    expect(writer.batches.flat()).toEqual([1, 2, 3, 4]);
    expect(retries).toEqual([1, 2, 3]);
    queue.close();
  });

  it('reports full past maxBuffered and calls onSpace once drained below half', async () => {
    const writer = recorder();
    let spaced = 0;
    const queue = createSinkQueue(writer, options({ onSpace: () => spaced++ }));
    writer.failNext(2);
    queue.enqueue([1, 2, 3, 4, 5, 6, 7]);
    expect(queue.full()).toBe(true);
    await queue.whenWritten(7);
    expect(queue.full()).toBe(false);
    expect(spaced).toBe(1);
    queue.close();
  });

  it('stops on an error no retry can fix and rejects waiters with it', async () => {
    const writer = recorder();
    const failed: Error[] = [];
    const queue = createSinkQueue(writer, options({ onFailed: (error) => failed.push(error) }));
    writer.failNext(1, new Error('forbidden'));
    queue.enqueue([1, 2, 3]);
    await expect(queue.whenWritten(3)).rejects.toThrow('refused for good');
    expect(failed.map((error) => error.message)).toEqual(['refused for good']);
    expect(writer.batches).toEqual([]);
  });

  it('gives up retrying when its signal aborts', async () => {
    const writer = recorder();
    const abort = new AbortController();
    const failed: Error[] = [];
    const queue = createSinkQueue(writer, options({ signal: abort.signal, onFailed: (error) => failed.push(error) }));
    writer.failNext(1_000);
    queue.enqueue([1]);
    const waiting = queue.whenWritten(1);
    abort.abort();
    await expect(waiting).rejects.toThrow('down');
    expect(failed).toHaveLength(1);
    expect(queue.written()).toBe(0);
  });
});

describe('sink queue with concurrent writes', () => {
  /** A writer whose writes finish when the test says so. */
  function gatedWriter() {
    const pending: Array<{ batch: number[]; finish(): void }> = [];
    const writer: QueueWriter<number> = {
      name: 'gated',
      write: (batch) => new Promise<void>((resolve) => pending.push({ batch: [...batch], finish: resolve })),
      writeAlone: (item) => item < 0,
    };
    return { writer, pending };
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('keeps several batches in flight but advances the written mark in order', async () => {
    const { writer, pending } = gatedWriter();
    const queue = createSinkQueue(writer, options({ concurrency: 2, maxBuffered: 100 }));
    queue.enqueue([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await tick();
    expect(pending.map((write) => write.batch)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    pending[1]!.finish(); // the second write lands first
    await tick();
    expect(queue.written()).toBe(0);
    expect(pending).toHaveLength(3); // its slot went to the third batch
    pending[0]!.finish();
    await tick();
    expect(queue.written()).toBe(6);
    pending[2]!.finish();
    await queue.whenWritten(9);
    queue.close();
  });

  it('writes a batch that must not race alone: after the writes before it, before those after it', async () => {
    const { writer, pending } = gatedWriter();
    const queue = createSinkQueue(writer, options({ concurrency: 3, maxBuffered: 100 }));
    queue.enqueue([1, 2, 3, 4, -5, 6, 7, 8, 9]);
    await tick();
    expect(pending.map((write) => write.batch)).toEqual([[1, 2, 3]]); // [4, -5, 6] waits for it
    pending[0]!.finish();
    await tick();
    expect(pending.map((write) => write.batch)).toEqual([
      [1, 2, 3],
      [4, -5, 6],
    ]);
    pending[1]!.finish();
    await tick();
    expect(pending.map((write) => write.batch)).toEqual([
      [1, 2, 3],
      [4, -5, 6],
      [7, 8, 9],
    ]);
    pending[2]!.finish();
    await queue.whenWritten(9);
    queue.close();
  });
});
