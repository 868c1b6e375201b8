/**
 * When silence on a partition may count as "its symbols are quiet" (so the idle timer may move
 * their watermarks with the wall clock): only while the partition is known to be read to the end of
 * its log and fetching has been healthy since. Silence while the broker is down, fetching is paused
 * by backpressure, a rebalance is in progress, or the process was frozen (a timer that fires much
 * later than scheduled) is not quiet — the ticks may be sitting in Kafka — so that time is left out
 * of the partition's idle clock, and after such a stretch nothing counts as quiet until a fetch has
 * confirmed again where the partition stands.
 *
 * The idle clock of a partition is the wall clock minus the time left out; arrivals are stamped with
 * it too, so the pipeline's "quiet for idleTimeout" means quiet for that long while it mattered.
 */

/** A fetch answered within this long keeps fetching healthy (the fetch wait is 250 ms). */
const FETCH_HEALTHY_MS = 3_000;
/** A timer this much later than its period means the process was frozen (SIGSTOP, VM pause, GC). */
const FROZEN_FACTOR = 3;

interface PartitionQuiet {
  /** The last fetch answered with this partition at the end of its log, when that fetch started. */
  confirmedAt: number | undefined;
  /** Wall-clock time that did not count as quiet. */
  leftOutMs: number;
}

export interface QuietTracker {
  /** The partition's idle clock at wall time `nowMs`. */
  clock(partition: number, nowMs: number): number;
  /** A batch was applied; `atEnd` when it reached the high watermark. */
  onBatch(partition: number, atEnd: boolean): void;
  /** A fetch round started / answered (no batch for a partition at the end means it still is). */
  onFetchStart(nowMs: number): void;
  onFetched(nowMs: number): void;
  /** Membership is changing: nothing is confirmed until the new assignment fetched. */
  onRebalancing(nowMs: number): void;
  forget(partition: number): void;
  /**
   * Called by the idle timer; returns the partitions whose symbols may be treated as quiet, with
   * their idle clock. `paused`: fetching is paused by backpressure.
   */
  tick(
    partitions: Iterable<number>,
    nowMs: number,
    periodMs: number,
    paused: boolean,
  ): Array<{ partition: number; clockMs: number }>;
}

export function createQuietTracker(): QuietTracker {
  const byPartition = new Map<number, PartitionQuiet>();
  const atEnd = new Set<number>();
  let fetchStartedMs: number | undefined;
  let lastAnsweredMs: number | undefined;
  let lastAnsweredStartMs: number | undefined;
  let lastTimerMs: number | undefined;
  /** Only a fetch started at or after this moment can confirm a partition. */
  let doubtSince = Number.NEGATIVE_INFINITY;

  const entry = (partition: number): PartitionQuiet => {
    let quiet = byPartition.get(partition);
    if (!quiet) {
      quiet = { confirmedAt: undefined, leftOutMs: 0 };
      byPartition.set(partition, quiet);
    }
    return quiet;
  };
  const doubt = (nowMs: number) => {
    doubtSince = nowMs;
    for (const quiet of byPartition.values()) quiet.confirmedAt = undefined;
  };

  return {
    clock: (partition, nowMs) => nowMs - entry(partition).leftOutMs,

    onBatch(partition, reachedEnd) {
      const quiet = entry(partition);
      // The batch came from the latest fetch (kafkajs fetches a broker again only after its batches).
      const startedMs = fetchStartedMs ?? Number.NEGATIVE_INFINITY;
      if (reachedEnd) {
        atEnd.add(partition);
        if (startedMs >= doubtSince) quiet.confirmedAt ??= startedMs;
      } else {
        atEnd.delete(partition);
        quiet.confirmedAt = undefined;
      }
    },

    onFetchStart(nowMs) {
      fetchStartedMs = nowMs;
    },

    onFetched(nowMs) {
      lastAnsweredMs = nowMs;
      lastAnsweredStartMs = fetchStartedMs ?? nowMs;
      // A partition last seen at the end and absent from this answer had nothing new: still at the end.
      if (lastAnsweredStartMs < doubtSince) return;
      for (const partition of atEnd) entry(partition).confirmedAt ??= lastAnsweredStartMs;
    },

    onRebalancing(nowMs) {
      // Kept partitions are sought back to where we are, so "at the end" still holds once a fetch says so.
      doubt(nowMs);
    },

    forget(partition) {
      byPartition.delete(partition);
      atEnd.delete(partition);
    },

    tick(partitions, nowMs, periodMs, paused) {
      const sinceTimer = lastTimerMs === undefined ? 0 : Math.max(0, nowMs - lastTimerMs);
      const previousTimer = lastTimerMs ?? nowMs;
      lastTimerMs = nowMs;
      const frozen = sinceTimer > FROZEN_FACTOR * periodMs;
      const fetching = lastAnsweredMs !== undefined && nowMs - lastAnsweredMs <= FETCH_HEALTHY_MS && !frozen;
      if (frozen || paused || !fetching) {
        // What the partitions hold now is unknown until a fetch started after this moment answers.
        doubt(nowMs);
      }
      const quietOnes: Array<{ partition: number; clockMs: number }> = [];
      for (const partition of partitions) {
        const quiet = entry(partition);
        if (quiet.confirmedAt === undefined) {
          quiet.leftOutMs += sinceTimer;
          continue;
        }
        // Only the part of the stretch after the confirmation counts as quiet.
        quiet.leftOutMs += Math.max(0, Math.min(nowMs, quiet.confirmedAt) - previousTimer);
        quietOnes.push({ partition, clockMs: nowMs - quiet.leftOutMs });
      }
      return quietOnes;
    },
  };
}
