/**
 * Taking a checkpoint of one partition: the snapshots of the symbols whose state changed since the
 * last persisted one, and the checkpoint record vouching for every symbol's latest record. It is
 * taken synchronously between two batches, so the snapshots, the offset and the sink marks the
 * engine records with it all describe the same moment.
 */
import type { OutgoingMessage } from '../kafka/publisher.ts';
import { encodeCheckpoint, encodeSymbolRecord, symbolKey } from './changelog.ts';
import { stateDigest, type PartitionState, type PersistedSymbol } from './partition-state.ts';

export interface PartitionCheckpoint {
  partition: number;
  offset: number;
  /** Symbol records first, the checkpoint record last. */
  records: OutgoingMessage[];
  /** Exactly-once: the Kafka outputs and dead letters of the ticks below `offset`, for the same transaction. */
  staged: OutgoingMessage[];
  /** Marks the symbols as persisted once the records are acknowledged. */
  persisted: Array<[string, PersistedSymbol]>;
}

const NO_STATE = 'null';
const NO_STATE_DIGEST = stateDigest(NO_STATE);

/**
 * While nothing arrives, the idle timer still moves every quiet symbol's watermark each second;
 * that alone is persisted this often rather than every round.
 */
export const QUIET_CHECKPOINT_MS = 30_000;

/** Undefined when nothing changed since the last checkpoint of this partition. */
export function takeCheckpoint(
  state: PartitionState,
  stateTopic: string,
  prefix: string,
  now = Date.now(),
): PartitionCheckpoint | undefined {
  const offset = state.position;
  if (offset === undefined) return undefined;
  if (!state.touched && state.staged.length === 0 && now - state.checkpointedAt < QUIET_CHECKPOINT_MS) return undefined;
  state.touched = false;
  state.checkpointedAt = now;
  const changed: Array<[string, PersistedSymbol]> = [];
  const records: OutgoingMessage[] = [];
  const staged = state.staged;
  state.staged = [];
  const seen = new Set<string>();
  const write = (symbol: string, json: string, digest: string) => {
    changed.push([symbol, { digest, offset }]);
    records.push({ topic: stateTopic, key: symbolKey(prefix, symbol), value: encodeSymbolRecord(offset, json) });
  };
  for (const symbol of state.pipeline.symbols()) {
    seen.add(symbol);
    const json = state.pipeline.serialize(symbol) ?? NO_STATE;
    const digest = stateDigest(json);
    if (state.persisted.get(symbol)?.digest !== digest) write(symbol, json, digest);
  }
  for (const [symbol, persisted] of state.persisted) {
    if (!seen.has(symbol) && persisted.digest !== NO_STATE_DIGEST) write(symbol, NO_STATE, NO_STATE_DIGEST);
  }
  if (changed.length === 0 && offset === state.checkpointed && staged.length === 0) return undefined;

  const vouched: Record<string, number> = {};
  for (const [symbol, persisted] of state.persisted) vouched[symbol] = persisted.offset;
  for (const [symbol] of changed) vouched[symbol] = offset;
  records.push({ topic: stateTopic, key: prefix, value: encodeCheckpoint({ offset, symbols: vouched }) });
  return { partition: state.partition, offset, records, staged, persisted: changed };
}

/**
 * A checkpoint that was not written (a sink failed before acknowledging, or its partition is not
 * ours right now): the next round takes the partition again, with its staged outputs. Without this
 * a failed round left the partition looking checkpointed for QUIET_CHECKPOINT_MS, so the stop's
 * last round found nothing to do and the run exited 0 with records unwritten.
 */
export function putBack(state: PartitionState, checkpoint: PartitionCheckpoint): void {
  if (checkpoint.staged.length > 0) state.staged = checkpoint.staged.concat(state.staged);
  state.touched = true;
}

/** After the records are acknowledged: what is persisted now. */
export function markPersisted(state: PartitionState, checkpoint: PartitionCheckpoint): void {
  for (const [symbol, persisted] of checkpoint.persisted) state.persisted.set(symbol, persisted);
  state.checkpointed = checkpoint.offset;
}
