/**
 * The partitions this consumer owns: restored from the state topic on first sight, fed batch by
 * batch, dropped when the group moves them elsewhere, and ticked by the idle timer.
 *
 * A partition kept through a rebalance keeps its in-memory state only if nobody committed on it
 * meanwhile (the group's committed offset is still the one we last committed): else another member
 * owned it for a while — we were a zombie — and our state is stale, so it is restored from the
 * state topic like a new partition.
 */
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { OutgoingMessage } from '../kafka/publisher.ts';
import type { WindowOutput } from '../model.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../ui/logger.ts';
import type { WindowPipeline } from '../windows/types.ts';
import { partitionKey, planRestore } from './changelog.ts';
import type { ConsumeMetrics } from './metrics.ts';
import {
  applyMessages,
  applyRestore,
  createPartitionState,
  stampBars,
  type ApplyContext,
  type ApplyCounts,
  type PartitionState,
} from './partition-state.ts';
import type { Router } from '../delivery/router.ts';
import { createQuietTracker } from './quiet.ts';
import type { StateStore } from './state-store.ts';

const RESTORE_HEARTBEAT_MS = 3_000;
/** Messages applied between two looks at the sink buffers. */
const SLICE = 2_000;

export interface AssignedPartitionsDeps {
  topic: string;
  group: string;
  dlqTopic: string;
  consumer: Pick<Consumer, 'seek'>;
  store: StateStore;
  router: Router;
  /** Hands a partition's outputs and dead letters on: to the router, or (exactly-once) partly to the partition's transaction. */
  route(state: PartitionState, outputs: WindowOutput[], deadLetters: OutgoingMessage[]): void;
  createPipeline(): WindowPipeline;
  metrics: ConsumeMetrics;
  logger: Logger;
  /** Aborted when the run stops: no new work. */
  signal: AbortSignal;
  /** A sink buffer is full: stop fetching. */
  pause(): void;
  isPaused(): boolean;
  onCounts(counts: ApplyCounts, deadLetters: number): void;
  fail(error: unknown): void;
  /** The group's committed offset of a partition (undefined when none). */
  committedOffset(partition: number): Promise<number | undefined>;
}

export interface AssignedPartitions {
  eachBatch(payload: EachBatchPayload): Promise<void>;
  /** The group's new assignment of our topic. */
  assign(partitions: readonly number[]): void;
  /** Lets the windows of quiet symbols close (only where the log is known to be read to its end, see quiet.ts). */
  onTimer(nowMs: number, periodMs: number): void;
  /** Fetch health, for quiet.ts: a fetch round started / was answered; membership is changing. */
  onFetchStart(nowMs: number): void;
  onFetched(nowMs: number): void;
  onRebalancing(nowMs: number): void;
  states(): Iterable<PartitionState>;
  owns(state: PartitionState): boolean;
  size(): number;
}

export function createAssignedPartitions(deps: AssignedPartitionsDeps): AssignedPartitions {
  const { topic, group, consumer, logger, metrics, signal } = deps;
  const partitions = new Map<number, PartitionState>();
  const restoring = new Map<number, Promise<PartitionState | undefined>>();
  /** Kept through a rebalance: out of `partitions` (no writes, no checkpoints) until the committed offset vouches for it. */
  const verifying = new Map<number, { held: PartitionState; done: Promise<void> }>();
  let assigned = new Set<number>();
  const quiet = createQuietTracker();

  const seek = (partition: number, offset: number) => consumer.seek({ topic, partition, offset: String(offset) });

  const restore = (partition: number, heartbeat: () => Promise<void>): Promise<PartitionState | undefined> => {
    let pending = restoring.get(partition);
    if (pending) return pending;
    pending = (async () => {
      const beat = setInterval(() => void heartbeat().catch(() => {}), RESTORE_HEARTBEAT_MS);
      try {
        const prefix = partitionKey(group, topic, partition);
        // An unreadable committed offset only means the next assignment restores again.
        const [records, committed] = await Promise.all([
          deps.store.load(prefix, signal),
          deps.committedOffset(partition).catch(() => undefined),
        ]);
        const plan = planRestore(records.checkpoint, records.symbols);
        const state = createPartitionState(partition, deps.createPipeline());
        applyRestore(state, plan, prefix);
        state.committed = committed; // what a later assignment compares with (see verify)
        if (!assigned.has(partition)) return undefined;
        partitions.set(partition, state);
        const restored = plan.states.filter((entry) => entry.state !== null).length;
        logger.info(
          `partition ${partition}: ${restored ? `restored ${restored} symbol(s), ` : ''}reading from ${plan.seekTo ?? 'the committed offset'}`,
        );
        return state;
      } finally {
        clearInterval(beat);
        restoring.delete(partition);
      }
    })();
    restoring.set(partition, pending);
    return pending;
  };

  /**
   * Puts a kept partition's state back if the group's committed offset is still ours; else drops it
   * (the next batch restores the partition from the state topic). Started at assignment, so a kept
   * partition that gets no new data still has its windows closed by the idle timer.
   */
  const verify = (held: PartitionState) => {
    const { partition } = held;
    const entry = { held, done: Promise.resolve() };
    verifying.set(partition, entry);
    entry.done = (async () => {
      const committed = await deps.committedOffset(partition).then(
        (offset) => ({ offset }),
        (error: unknown) => ({ error }),
      );
      if (verifying.get(partition) !== entry) return; // reassigned meanwhile: a newer check decides
      verifying.delete(partition);
      if (!assigned.has(partition)) return;
      if ('offset' in committed && committed.offset === held.committed) {
        partitions.set(partition, held);
        return;
      }
      const why =
        'offset' in committed
          ? `another consumer committed offset ${committed.offset ?? 'none'} since we last saw ${held.committed ?? 'none'}`
          : `its committed offset could not be read (${errorMessage(committed.error)})`;
      logger.warn(`partition ${partition}: ${why}; dropping the in-memory state and restoring from the state topic`);
      quiet.forget(partition);
    })();
  };

  /** Applies the batch in slices, so a full sink buffer pauses fetching within a slice of its bound. */
  const apply = (state: PartitionState, { batch, resolveOffset }: EachBatchPayload) => {
    // Arrivals on the partition's idle clock, which leaves out time that did not count as quiet.
    const arrivalMs = quiet.clock(state.partition, Date.now());
    const { messages } = batch;
    for (let from = 0; from < messages.length && !signal.aborted; from += SLICE) {
      const to = Math.min(messages.length, from + SLICE);
      const ctx: ApplyContext = {
        topic,
        dlqTopic: deps.dlqTopic,
        emitTicks: deps.router.wantsTicks,
        arrivalMs,
        outputs: [],
        deadLetters: [],
      };
      const counts = applyMessages(state, messages, ctx, from, to);
      resolveOffset(messages[to - 1]!.offset);
      deps.route(state, ctx.outputs, ctx.deadLetters);
      deps.onCounts(counts, ctx.deadLetters.length);
      if (deps.router.full()) {
        deps.pause(); // the rest of the batch is fetched again after the resume
        return;
      }
    }
  };

  return {
    async eachBatch(payload) {
      const { batch } = payload;
      if (signal.aborted || batch.isEmpty()) return;
      const partition = batch.partition;
      try {
        let state = partitions.get(partition);
        if (!state) {
          if (!assigned.has(partition)) return;
          for (let check = verifying.get(partition); check; check = verifying.get(partition)) await check.done;
          state = partitions.get(partition) ?? (await restore(partition, payload.heartbeat));
          if (!state || signal.aborted) return;
          if (state.position !== undefined && Number(batch.firstOffset()) !== state.position)
            return seek(partition, state.position);
        }
        if (payload.isStale()) return;
        const first = Number(batch.firstOffset());
        if (state.position !== undefined && first > state.position) {
          // A batch fetched before a pause can start past what we applied: read again from there.
          // If the offsets are really gone (retention), the second look accepts the gap.
          if (state.gapSeek !== state.position) {
            state.gapSeek = state.position;
            return seek(partition, state.position);
          }
          if (first - state.position > 1)
            logger.warn(
              `partition ${partition}: offsets ${state.position}–${first - 1} are no longer in Kafka; continuing at ${first}`,
            );
        }
        apply(state, payload);
        const lag = Number(batch.highWatermark) - (state.position ?? 0);
        metrics.lag.set({ topic, partition: String(partition) }, lag);
        quiet.onBatch(partition, lag === 0);
      } catch (error) {
        if (!signal.aborted) deps.fail(error);
      }
    },

    assign(next) {
      const nextSet = new Set(next);
      for (const partition of new Set([...partitions.keys(), ...verifying.keys()])) {
        if (nextSet.has(partition)) continue;
        partitions.delete(partition);
        verifying.delete(partition);
        quiet.forget(partition);
        metrics.lag.remove({ topic, partition: String(partition) });
        logger.info(`partition ${partition} moved to another consumer`);
      }
      const kept: PartitionState[] = [];
      for (const partition of nextSet) {
        const state = partitions.get(partition) ?? verifying.get(partition)?.held;
        if (!state) continue;
        partitions.delete(partition);
        kept.push(state);
        // The group restarts kept partitions at their committed offset; we are further along.
        if (state.position !== undefined) seek(partition, state.position);
      }
      assigned = nextSet;
      for (const state of kept) verify(state);
      logger.info(
        `consumer group ${group}: assigned partition(s) ${[...nextSet].sort((a, b) => a - b).join(', ') || 'none'} of ${topic}`,
      );
    },

    onTimer(nowMs, periodMs) {
      // Behind the end of the log the data itself moves event time on; quiet means nothing there.
      for (const { partition, clockMs } of quiet.tick(partitions.keys(), nowMs, periodMs, deps.isPaused())) {
        const state = partitions.get(partition)!;
        const outputs: WindowOutput[] = [];
        state.pipeline.onTimer(clockMs, outputs);
        if (state.position !== undefined) stampBars(outputs, 0, topic, partition, state.position - 1);
        if (outputs.length > 0) {
          state.touched = true;
          deps.route(state, outputs, []);
        }
      }
    },

    onFetchStart: (nowMs) => quiet.onFetchStart(nowMs),
    onFetched: (nowMs) => quiet.onFetched(nowMs),
    onRebalancing: (nowMs) => quiet.onRebalancing(nowMs),

    states: () => partitions.values(),
    owns: (state) => partitions.get(state.partition) === state,
    size: () => partitions.size,
  };
}
