/**
 * The chunk buffer behind the sink queues and the Kafka publisher (property-based with fast-check;
 * a failure prints its seed): whatever the chunk sizes, limits and costs, batches come out in order,
 * none exceeds its length or (past its first item) its budget, and nothing is lost or repeated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkBuffer, MarkWaiters } from './chunk-buffer.ts';

describe('ChunkBuffer', () => {
  it('takes bounded batches in order, within the budget, losing and repeating nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 12 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 10 }),
        fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
        (chunks, max, limit) => {
          const buffer = new ChunkBuffer<number>();
          const all = chunks.flat();
          for (const chunk of chunks) buffer.push([...chunk]);
          expect(buffer.size).toBe(all.length);
          const budget = limit === undefined ? undefined : { cost: (item: number) => item, limit };
          const out: number[] = [];
          while (buffer.size > 0) {
            const before = buffer.size;
            const batch = buffer.take(max, budget);
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(max);
            if (limit !== undefined && batch.length > 1)
              expect(batch.reduce((sum, item) => sum + item, 0)).toBeLessThanOrEqual(limit);
            expect(buffer.size).toBe(before - batch.length);
            out.push(...batch);
          }
          expect(out).toEqual(all);
        },
      ),
    );
  });

  it('forgets everything on clear', () => {
    const buffer = new ChunkBuffer<string>();
    buffer.push(['a', 'b']);
    buffer.clear();
    expect(buffer.size).toBe(0);
    expect(buffer.take(10)).toEqual([]);
  });
});

describe('MarkWaiters', () => {
  it('resolves each waiter once the count reaches its mark, and rejects the rest on a failure', async () => {
    const waiters = new MarkWaiters();
    const settled: string[] = [];
    const watch = (name: string, promise: Promise<void>) =>
      promise.then(
        () => settled.push(`${name} ok`),
        (error: Error) => settled.push(`${name} ${error.message}`),
      );
    const all = [watch('a', waiters.wait(2, 0)), watch('b', waiters.wait(5, 0)), watch('c', waiters.wait(1, 1))];
    waiters.settle(3);
    await Promise.resolve();
    expect(waiters.size).toBe(1);
    waiters.settle(4, new Error('gone'));
    await Promise.all(all);
    expect(settled.sort()).toEqual(['a ok', 'b gone', 'c ok']);
    await expect(waiters.wait(9, 4, new Error('still gone'))).rejects.toThrow('still gone');
  });
});
