import { describe, expect, it } from 'vitest';
import { describeUnwritten, flushUntilStopped, StopTimeout } from './stop.ts';

const never = () => new Promise<void>(() => {});

describe('flushUntilStopped', () => {
  it('waits for the flush as long as nobody stops, and does not abort the retries', async () => {
    const retries = new AbortController();
    let finish!: () => void;
    const flush = new Promise<void>((resolve) => (finish = resolve));
    const done = flushUntilStopped('flush', flush, { stop: new AbortController().signal, retries, graceMs: 1 });
    setTimeout(finish, 20);
    await done;
    expect(retries.signal.aborted).toBe(false);
  });

  it('after the stop, aborts the retries once the grace is over, and passes on the error they end with', async () => {
    const retries = new AbortController();
    const flush = new Promise<void>((_resolve, reject) =>
      retries.signal.addEventListener('abort', () => reject(new Error('influx: down'))),
    );
    const stop = new AbortController();
    stop.abort();
    await expect(flushUntilStopped('flush', flush, { stop: stop.signal, retries, graceMs: 10 })).rejects.toThrow(
      'influx: down',
    );
    expect(retries.signal.aborted).toBe(true);
  });

  it('gives up on a flush that hangs even after its retries were aborted', async () => {
    const stop = new AbortController();
    stop.abort();
    await expect(
      flushUntilStopped('the last checkpoint', never(), {
        stop: stop.signal,
        retries: new AbortController(),
        graceMs: 10,
      }),
    ).rejects.toBeInstanceOf(StopTimeout);
  });
});

describe('describeUnwritten', () => {
  it('counts per queue, with thousands separators', () => {
    expect(
      describeUnwritten([
        { name: 'influx', count: 1_200 },
        { name: 'dlq', count: 34 },
      ]),
    ).toBe('1,234 records not written (influx 1,200, dlq 34)');
    expect(describeUnwritten([{ name: 'file', count: 1 }])).toBe('1 record not written (file 1)');
    expect(describeUnwritten([])).toBe('0 records not written');
  });
});
