/**
 * Checkpoint rounds, one at a time: take every partition's checkpoint and the sink marks at the
 * same instant, wait until the sinks and the DLQ wrote everything up to those marks, write the
 * state records, then commit the offsets of the partitions this consumer still owns. Under
 * exactly-once the Kafka outputs, the state records and the offsets are one transaction instead.
 */
import type { OutgoingMessage, Publisher } from '../kafka/publisher.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../ui/logger.ts';
import type { Transactor } from '../kafka/transactions.ts';
import { markPersisted, putBack, takeCheckpoint, type PartitionCheckpoint } from './checkpoint.ts';
import type { MembershipGate } from './fencing.ts';
import type { ConsumeMetrics } from './metrics.ts';
import type { PartitionState } from './partition-state.ts';
import type { Router } from '../delivery/router.ts';

export interface CheckpointerDeps {
  topic: string;
  stateTopic: string;
  prefixOf(partition: number): string;
  partitions(): Iterable<PartitionState>;
  /** Whether this consumer still owns the partition (it may have moved during the round). */
  owns(state: PartitionState): boolean;
  router: Router;
  publisher: Publisher;
  commit(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void>;
  logger: Logger;
  metrics: ConsumeMetrics;
  /** State records and commits wait until the group confirmed we are still a member (fencing.ts). */
  gate: MembershipGate;
  /** Exactly-once: each round is one transaction of the staged outputs, the state records and the offsets. */
  transactor?: Transactor;
  group: string;
}

export interface Checkpointer {
  /** Starts a round unless one is running; resolves when that round ends. */
  run(): Promise<void>;
  /** Waits for a running round, then runs one more: everything applied so far ends up committed. */
  final(): Promise<void>;
  /** Exactly-once: the staged messages a running round took out of their partitions for its transaction. */
  inTransaction(): Iterable<readonly OutgoingMessage[]>;
}

export function createCheckpointer(deps: CheckpointerDeps): Checkpointer {
  let running: Promise<void> | undefined;
  /** The checkpoints whose staged messages are out of their partitions right now (the transaction's). */
  let carried: readonly PartitionCheckpoint[] = [];

  /** `last`: the stop's final round, whose failed commit must reach the user (the run exits 1). */
  const round = async (last = false) => {
    const taken: Array<{ state: PartitionState; checkpoint: PartitionCheckpoint }> = [];
    for (const state of deps.partitions()) {
      const checkpoint = takeCheckpoint(state, deps.stateTopic, deps.prefixOf(state.partition));
      if (checkpoint) taken.push({ state, checkpoint });
    }
    const marks = deps.router.marks();
    if (deps.transactor) return transact(deps.transactor, taken, marks, last);
    if (taken.length > 0) {
      try {
        await deps.router.whenWritten(marks);
        await deps.gate.ready();
        // Records of a partition that moved meanwhile are still written: they are consistent on
        // their own (see changelog.ts), and its next owner may restore from them.
        await deps.publisher.send(taken.flatMap(({ checkpoint }) => checkpoint.records));
      } catch (error) {
        for (const { state, checkpoint } of taken) putBack(state, checkpoint);
        throw error;
      }
      for (const { state, checkpoint } of taken) markPersisted(state, checkpoint);
      deps.metrics.checkpoints.inc();
    } else if (last) await deps.router.whenWritten(marks); // the stop's promise: the sinks hold nothing unwritten
    const commits = [];
    for (const state of deps.partitions()) {
      if (state.checkpointed !== undefined && state.checkpointed !== state.committed && deps.owns(state)) {
        commits.push({ state, offset: state.checkpointed });
      }
    }
    if (commits.length === 0) return;
    try {
      await deps.commit(
        commits.map(({ state, offset }) => ({ topic: deps.topic, partition: state.partition, offset: String(offset) })),
      );
      for (const { state, offset } of commits) state.committed = offset;
    } catch (error) {
      // At the stop nobody retries: say so, since the next start re-reads (and re-writes) from the last commit.
      if (last) throw error;
      // A rebalance in progress refuses commits; the state topic already says where to resume.
      deps.logger.debug(`offset commit postponed: ${errorMessage(error)}`);
    }
  };

  /**
   * The exactly-once round: the other sinks first (they are idempotent), then in one transaction
   * the Kafka outputs, the state records and the offsets of the partitions still ours. A partition
   * that is not ours at that moment is left out whole; its outputs wait in case it comes back
   * unchanged (assigned-partitions.ts), else its next owner produces them again from the last commit.
   */
  const transact = async (
    transactor: Transactor,
    taken: Array<{ state: PartitionState; checkpoint: PartitionCheckpoint }>,
    marks: number[],
    last: boolean,
  ) => {
    if (taken.length === 0) {
      if (last) await deps.router.whenWritten(marks); // the stop's promise: the sinks hold nothing unwritten
      return;
    }
    carried = taken.map(({ checkpoint }) => checkpoint);
    try {
      try {
        await deps.router.whenWritten(marks);
        await deps.gate.ready();
      } catch (error) {
        for (const { state, checkpoint } of taken) putBack(state, checkpoint);
        throw error;
      }
      const owned = taken.filter(({ state, checkpoint }) => deps.owns(state) || (putBack(state, checkpoint), false));
      carried = owned.map(({ checkpoint }) => checkpoint);
      if (owned.length === 0) return;
      const messages = owned.flatMap(({ checkpoint }) => [...checkpoint.staged, ...checkpoint.records]);
      const partitions = owned.map(({ checkpoint }) => ({
        partition: checkpoint.partition,
        offset: checkpoint.offset,
      }));
      try {
        await transactor.commit(messages, { groupId: deps.group, topic: deps.topic, partitions });
      } catch (error) {
        // Not written: the outputs wait in their partitions again (a stop counts them, and a final round retries them).
        for (const { state, checkpoint } of owned) putBack(state, checkpoint);
        throw error;
      }
      for (const { state, checkpoint } of owned) {
        markPersisted(state, checkpoint);
        state.committed = checkpoint.offset;
      }
      deps.metrics.checkpoints.inc();
    } finally {
      carried = [];
    }
  };

  const run = (last = false) => {
    running ??= round(last).finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    run: () => run(),
    async final() {
      while (running) await running.catch(() => {});
      await run(true);
    },
    inTransaction: () => carried.map((checkpoint) => checkpoint.staged),
  };
}
