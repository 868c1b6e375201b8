/**
 * One assigned partition of the prices topic: its own window pipeline (so a revoked partition is
 * dropped whole), the next offset to apply, and the offsets below which a restore already holds a
 * symbol's ticks. `applyMessages` is the consumer's hot path: synchronous, no promise per message.
 */
import { hash } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import type { OutgoingMessage } from '../kafka/publisher.ts';
import type { WindowOutput } from '../model.ts';
import { decodeTickMessage } from '../tick-bytes.ts';
import { errorMessage } from '../errors.ts';
import type { WindowPipeline } from '../windows/types.ts';
import { floorOf, NO_FLOORS, symbolKey, unusableState, type RestorePlan, type SkipFloors } from './changelog.ts';
import { deadLetter } from './dead-letter.ts';

/** The last snapshot persisted for a symbol: a digest of what it said, and the offset it was written at. */
export interface PersistedSymbol {
  digest: string;
  offset: number;
}

/**
 * Telling whether a symbol changed since its last record only needs a digest; keeping the JSON
 * itself cost a few KB a symbol (~25 MB at 5,000 symbols) for nothing else.
 */
export function stateDigest(json: string): string {
  return hash('sha1', json, 'base64');
}

export interface PartitionState {
  readonly partition: number;
  readonly pipeline: WindowPipeline;
  /** Next offset to apply; undefined until the first batch when nothing was restored. */
  position: number | undefined;
  floors: SkipFloors;
  /** The position a gap in the offsets was last re-read from (see assigned-partitions.ts). */
  gapSeek: number | undefined;
  readonly persisted: Map<string, PersistedSymbol>;
  /** Offset of the last checkpoint written for this partition. */
  checkpointed: number | undefined;
  /** Offset last committed to the consumer group. */
  committed: number | undefined;
  /** Ticks applied or windows closed since the last checkpoint was taken. */
  touched: boolean;
  /** Wall clock of the last checkpoint taken. */
  checkpointedAt: number;
  /**
   * Exactly-once: the Kafka messages (kafka sink outputs, dead letters) derived from the ticks
   * applied since the last checkpoint was taken; the next checkpoint takes them into its transaction.
   */
  staged: OutgoingMessage[];
}

export function createPartitionState(partition: number, pipeline: WindowPipeline): PartitionState {
  return {
    partition,
    pipeline,
    position: undefined,
    floors: NO_FLOORS,
    gapSeek: undefined,
    persisted: new Map(),
    checkpointed: undefined,
    committed: undefined,
    touched: false,
    checkpointedAt: 0,
    staged: [],
  };
}

/** Puts the saved symbols back into the pipeline and remembers what is already persisted. */
export function applyRestore(state: PartitionState, plan: RestorePlan, prefix: string): void {
  for (const { symbol, state: snapshot, recordOffset } of plan.states) {
    try {
      if (snapshot) state.pipeline.restore(symbol, snapshot);
    } catch (error) {
      throw unusableState(symbolKey(prefix, symbol), errorMessage(error));
    }
    state.persisted.set(symbol, { digest: stateDigest(JSON.stringify(snapshot)), offset: recordOffset });
  }
  state.floors = plan.floors;
  state.position = plan.seekTo;
  state.checkpointed = plan.seekTo;
}

export interface ApplyContext {
  topic: string;
  dlqTopic: string;
  /** Also emit every tick as an output (some sink stores ticks). */
  emitTicks: boolean;
  /** Wall clock of arrival (drives the idle timer). */
  arrivalMs: number;
  outputs: WindowOutput[];
  deadLetters: OutgoingMessage[];
}

export interface ApplyCounts {
  ticks: number;
  late: number;
  invalid: number;
  /** Already held by restored state. */
  skipped: number;
  /** Stamped too far in the future (windows.maxFutureSkew). */
  future: number;
  /** An unexpected error while processing it; dead-lettered so the rest of the batch goes on. */
  failed: number;
}

/** Marks the bars in `outputs[from..]` with the stream position they were emitted at (see WindowOutput). */
export function stampBars(
  outputs: WindowOutput[],
  from: number,
  topic: string,
  partition: number,
  offset: number,
): void {
  for (let i = from; i < outputs.length; i++) {
    const output = outputs[i]!;
    if (output.kind === 'bar') output.position = { source: `${topic}:${partition}`, offset };
  }
}

/** Applies `messages[from..to)`; the engine cuts a batch short when a sink buffer fills up. */
export function applyMessages(
  state: PartitionState,
  messages: readonly KafkaMessage[],
  ctx: ApplyContext,
  from = 0,
  to = messages.length,
): ApplyCounts {
  const { pipeline, floors } = state;
  const { outputs, deadLetters, arrivalMs, emitTicks } = ctx;
  const counts: ApplyCounts = { ticks: 0, late: 0, invalid: 0, skipped: 0, future: 0, failed: 0 };
  for (let i = from; i < to; i++) {
    const message = messages[i]!;
    const offset = Number(message.offset);
    if (state.position !== undefined && offset < state.position) {
      counts.skipped++; // a redelivery (after a seek or a rebalance) of what was applied already
      continue;
    }
    let tick;
    try {
      tick = decodeTickMessage(message.value);
    } catch (error) {
      // Below the base floor the restored checkpoint already dead-lettered it.
      if (offset >= floors.base) {
        deadLetters.push(deadLetter(ctx.dlqTopic, ctx.topic, state.partition, message, 'decode', errorMessage(error)));
        counts.invalid++;
      }
      continue;
    }
    if (offset < floors.max && offset < floorOf(floors, tick.symbol)) {
      counts.skipped++;
      continue;
    }
    let late;
    const outputsBefore = outputs.length;
    try {
      late = pipeline.push(tick, outputs, arrivalMs);
    } catch (error) {
      // Defence in depth: whatever a decoded tick still breaks costs that one message, never the
      // consumer (an escaping throw would be redelivered and crash every restart the same way).
      outputs.length = outputsBefore;
      deadLetters.push(deadLetter(ctx.dlqTopic, ctx.topic, state.partition, message, 'process', errorMessage(error)));
      counts.failed++;
      continue;
    }
    stampBars(outputs, outputsBefore, ctx.topic, state.partition, offset);
    if (late) {
      const stage = late.stage ?? 'late';
      deadLetters.push(deadLetter(ctx.dlqTopic, ctx.topic, state.partition, message, stage, late.reason));
      if (stage === 'future') counts.future++;
      else counts.late++;
      continue;
    }
    if (emitTicks) outputs.push({ kind: 'tick', tick });
    counts.ticks++;
  }
  const last = messages[to - 1];
  if (last && to > from) {
    state.touched = true;
    state.position = Number(last.offset) + 1;
    if (state.position >= floors.max && floors !== NO_FLOORS) state.floors = NO_FLOORS;
  }
  return counts;
}
