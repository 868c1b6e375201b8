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
import { createQuietTracker, type QuietTracker } from './quiet.ts';
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

/** What the functions below share: the partitions we hold and those on their way in. */
interface Holdings {
  deps: AssignedPartitionsDeps;
  partitions: Map<number, PartitionState>;
  restoring: Map<number, Promise<PartitionState | undefined>>;
  /** Kept through a rebalance: out of `partitions` (no writes, no checkpoints) until the committed offset vouches for it. */
  verifying: Map<number, { held: PartitionState; done: Promise<void> }>;
  assigned: Set<number>;
  quiet: QuietTracker;
}

export function createAssignedPartitions(deps: AssignedPartitionsDeps): AssignedPartitions {
  const held: Holdings = {
    deps,
    partitions: new Map(),
    restoring: new Map(),
    verifying: new Map(),
    assigned: new Set(),
    quiet: createQuietTracker(),
  };
  const { partitions, quiet } = held;
  return {
    eachBatch: (payload) => eachBatch(held, payload),
    assign: (next) => assign(held, next),
    onTimer: (nowMs, periodMs) => closeQuietWindows(held, nowMs, periodMs),
    onFetchStart: (nowMs) => quiet.onFetchStart(nowMs),
    onFetched: (nowMs) => quiet.onFetched(nowMs),
    onRebalancing: (nowMs) => quiet.onRebalancing(nowMs),
    states: () => partitions.values(),
    owns: (state) => partitions.get(state.partition) === state,
    size: () => partitions.size,
  };
}

function seek({ deps }: Holdings, partition: number, offset: number): void {
  deps.consumer.seek({ topic: deps.topic, partition, offset: String(offset) });
}

/** Loads a partition's records from the state topic into a new pipeline; one load per partition at a time. */
function restore(
  held: Holdings,
  partition: number,
  heartbeat: () => Promise<void>,
): Promise<PartitionState | undefined> {
  const { deps, restoring } = held;
  const { topic, group, logger, signal } = deps;
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
      if (!held.assigned.has(partition)) return undefined;
      held.partitions.set(partition, state);
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
}

/**
 * Puts a kept partition's state back if the group's committed offset is still ours; else drops it
 * (the next batch restores the partition from the state topic). Started at assignment, so a kept
 * partition that gets no new data still has its windows closed by the idle timer.
 */
function verify(held: Holdings, kept: PartitionState): void {
  const { deps, verifying } = held;
  const { partition } = kept;
  const entry = { held: kept, done: Promise.resolve() };
  verifying.set(partition, entry);
  entry.done = (async () => {
    const committed = await deps.committedOffset(partition).then(
      (offset) => ({ offset }),
      (error: unknown) => ({ error }),
    );
    if (verifying.get(partition) !== entry) return; // reassigned meanwhile: a newer check decides
    verifying.delete(partition);
    if (!held.assigned.has(partition)) return;
    if ('offset' in committed && committed.offset === kept.committed) {
      held.partitions.set(partition, kept);
      return;
    }
    const why =
      'offset' in committed
        ? `another consumer committed offset ${committed.offset ?? 'none'} since we last saw ${kept.committed ?? 'none'}`
        : `its committed offset could not be read (${errorMessage(committed.error)})`;
    deps.logger.warn(`partition ${partition}: ${why}; dropping the in-memory state and restoring from the state topic`);
    held.quiet.forget(partition);
  })();
}

/** Applies the batch in slices, so a full sink buffer pauses fetching within a slice of its bound. */
function apply(held: Holdings, state: PartitionState, { batch, resolveOffset }: EachBatchPayload): void {
  const { deps } = held;
  // Arrivals on the partition's idle clock, which leaves out time that did not count as quiet.
  const arrivalMs = held.quiet.clock(state.partition, Date.now());
  const { messages } = batch;
  for (let from = 0; from < messages.length && !deps.signal.aborted; from += SLICE) {
    const to = Math.min(messages.length, from + SLICE);
    const ctx: ApplyContext = {
      topic: deps.topic,
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
}

/**
 * The state a batch applies to, once any check or restore of its partition is done; undefined when
 * the batch is not to be applied (the partition is not ours, or we seek back to our position).
 */
async function stateForBatch(held: Holdings, payload: EachBatchPayload): Promise<PartitionState | undefined> {
  const { batch } = payload;
  const partition = batch.partition;
  const known = held.partitions.get(partition);
  if (known) return known;
  if (!held.assigned.has(partition)) return undefined;
  for (let check = held.verifying.get(partition); check; check = held.verifying.get(partition)) await check.done;
  const state = held.partitions.get(partition) ?? (await restore(held, partition, payload.heartbeat));
  if (!state || held.deps.signal.aborted) return undefined;
  if (state.position !== undefined && Number(batch.firstOffset()) !== state.position) {
    seek(held, partition, state.position);
    return undefined;
  }
  return state;
}

/**
 * A batch fetched before a pause can start past what we applied: read again from there (false). If
 * the offsets are really gone (retention), the second look accepts the gap (true).
 */
function acceptsGap(held: Holdings, state: PartitionState, first: number): boolean {
  if (state.position === undefined || first <= state.position) return true;
  if (state.gapSeek !== state.position) {
    state.gapSeek = state.position;
    seek(held, state.partition, state.position);
    return false;
  }
  if (first - state.position > 1)
    held.deps.logger.warn(
      `partition ${state.partition}: offsets ${state.position}–${first - 1} are no longer in Kafka; continuing at ${first}`,
    );
  return true;
}

async function eachBatch(held: Holdings, payload: EachBatchPayload): Promise<void> {
  const { deps } = held;
  const { batch } = payload;
  if (deps.signal.aborted || batch.isEmpty()) return;
  try {
    const state = await stateForBatch(held, payload);
    if (!state || payload.isStale()) return;
    if (!acceptsGap(held, state, Number(batch.firstOffset()))) return;
    apply(held, state, payload);
    const lag = Number(batch.highWatermark) - (state.position ?? 0);
    deps.metrics.lag.set({ topic: deps.topic, partition: String(batch.partition) }, lag);
    held.quiet.onBatch(batch.partition, lag === 0);
  } catch (error) {
    if (!deps.signal.aborted) deps.fail(error);
  }
}

function assign(held: Holdings, next: readonly number[]): void {
  const { deps, partitions, verifying, quiet } = held;
  const { topic, logger, metrics } = deps;
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
    if (state.position !== undefined) seek(held, partition, state.position);
  }
  held.assigned = nextSet;
  for (const state of kept) verify(held, state);
  logger.info(
    `consumer group ${deps.group}: assigned partition(s) ${[...nextSet].sort((a, b) => a - b).join(', ') || 'none'} of ${topic}`,
  );
}

/** Lets the windows of quiet symbols close (only where the log is known to be read to its end, see quiet.ts). */
function closeQuietWindows(held: Holdings, nowMs: number, periodMs: number): void {
  const { deps, partitions } = held;
  // Behind the end of the log the data itself moves event time on; quiet means nothing there.
  for (const { partition, clockMs } of held.quiet.tick(partitions.keys(), nowMs, periodMs, deps.isPaused())) {
    const state = partitions.get(partition)!;
    const outputs: WindowOutput[] = [];
    state.pipeline.onTimer(clockMs, outputs);
    if (state.position !== undefined) stampBars(outputs, 0, deps.topic, partition, state.position - 1);
    if (outputs.length > 0) {
      state.touched = true;
      deps.route(state, outputs, []);
    }
  }
}
