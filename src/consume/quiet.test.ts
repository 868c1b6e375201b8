import { describe, expect, it } from 'vitest';
import { createQuietTracker } from './quiet.ts';

const PERIOD = 1_000;

/** A tracker with partition 0 read to its end by a healthy fetch at `t`. */
function caughtUp(t: number) {
  const quiet = createQuietTracker();
  quiet.tick([0], t, PERIOD, false);
  quiet.onFetchStart(t);
  quiet.onBatch(0, true);
  quiet.onFetched(t);
  return quiet;
}

/** Timer ticks every period from `from` to `to`, a healthy fetch before each when `fetching`. */
function run(
  quiet: ReturnType<typeof createQuietTracker>,
  from: number,
  to: number,
  options: { fetching: boolean; paused?: boolean },
) {
  let last: ReturnType<typeof quiet.tick> = [];
  for (let t = from; t <= to; t += PERIOD) {
    if (options.fetching) {
      quiet.onFetchStart(t - 250);
      quiet.onFetched(t - 1);
    }
    last = quiet.tick([0], t, PERIOD, options.paused ?? false);
  }
  return last;
}

describe('quiet tracker', () => {
  it('counts silence as quiet while the partition is at its end and fetching is healthy', () => {
    const quiet = caughtUp(0);
    expect(run(quiet, 1_000, 20_000, { fetching: true })).toEqual([{ partition: 0, clockMs: 20_000 }]);
  });

  it('leaves a broker outage out of the idle clock and waits for a fetch after it', () => {
    const quiet = caughtUp(0);
    run(quiet, 1_000, 5_000, { fetching: true });
    // The broker is down from 5 s to 35 s: no fetch answers.
    expect(run(quiet, 6_000, 35_000, { fetching: false })).toEqual([]);
    const after = run(quiet, 36_000, 36_000, { fetching: true });
    expect(after).toHaveLength(1);
    // At most the ~3 s before the outage was noticed count; the 30 s outage does not.
    expect(after[0]!.clockMs).toBeLessThan(36_000 - 25_000);
  });

  it('leaves a backpressure pause out', () => {
    const quiet = caughtUp(0);
    expect(run(quiet, 1_000, 30_000, { fetching: true, paused: true })).toEqual([]);
    expect(run(quiet, 31_000, 31_000, { fetching: true })[0]!.clockMs).toBeLessThanOrEqual(2_000);
  });

  it('advances nothing after a frozen process until a fetch started after the freeze answered', () => {
    const quiet = caughtUp(0);
    run(quiet, 1_000, 3_000, { fetching: true });
    // Frozen from 3 s to 23 s; a fetch started before the freeze answers right after it.
    quiet.onFetchStart(2_900);
    quiet.onFetched(23_001);
    expect(quiet.tick([0], 23_002, PERIOD, false)).toEqual([]);
    quiet.onFetchStart(23_100);
    quiet.onFetched(23_350);
    const after = quiet.tick([0], 24_000, PERIOD, false);
    expect(after).toHaveLength(1);
    expect(after[0]!.clockMs).toBeLessThanOrEqual(24_000 - 20_000);
  });

  it('is not quiet behind the end of the log, nor during a rebalance', () => {
    const behind = createQuietTracker();
    behind.onFetchStart(0);
    behind.onBatch(0, false);
    behind.onFetched(0);
    expect(run(behind, 1_000, 20_000, { fetching: true })).toEqual([]);

    const quiet = caughtUp(0);
    run(quiet, 1_000, 3_000, { fetching: true });
    quiet.onRebalancing(3_500);
    expect(run(quiet, 4_000, 10_000, { fetching: false })).toEqual([]);
  });
});
