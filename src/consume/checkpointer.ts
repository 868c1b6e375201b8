/**
 * Checkpoint rounds, one at a time: take every partition's checkpoint and the sink marks at the
 * same instant, wait until the sinks and the DLQ wrote everything up to those marks, write the
 * state records, then commit the offsets of the partitions this consumer still owns.
 */
import type { Publisher } from '../kafka/publisher.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../ui/logger.ts';
import { markPersisted, takeCheckpoint, type PartitionCheckpoint } from './checkpoint.ts';
import type { MembershipGate } from './fencing.ts';
import type { ConsumeMetrics } from './metrics.ts';
import type { PartitionState } from './partition.ts';
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
}

export interface Checkpointer {
  /** Starts a round unless one is running; resolves when that round ends. */
  run(): Promise<void>;
  /** Waits for a running round, then runs one more: everything applied so far ends up committed. */
  final(): Promise<void>;
}

export function createCheckpointer(deps: CheckpointerDeps): Checkpointer {
  let running: Promise<void> | undefined;

  const round = async () => {
    const taken: Array<{ state: PartitionState; checkpoint: PartitionCheckpoint }> = [];
    for (const state of deps.partitions()) {
      const checkpoint = takeCheckpoint(state, deps.stateTopic, deps.prefixOf(state.partition));
      if (checkpoint) taken.push({ state, checkpoint });
    }
    const marks = deps.router.marks();
    if (taken.length > 0) {
      await deps.router.whenWritten(marks);
      await deps.gate.ready();
      // Records of a partition that moved meanwhile are still written: they are consistent on
      // their own (see changelog.ts), and its next owner may restore from them.
      await deps.publisher.send(taken.flatMap(({ checkpoint }) => checkpoint.records));
      for (const { state, checkpoint } of taken) markPersisted(state, checkpoint);
      deps.metrics.checkpoints.inc();
    }
    const commits = [];
    for (const state of deps.partitions()) {
      if (state.checkpointed !== undefined && state.checkpointed !== state.committed && deps.owns(state)) {
        commits.push({ state, offset: state.checkpointed });
      }
    }
    if (commits.length === 0) return;
    try {
      await deps.commit(commits.map(({ state, offset }) => ({ topic: deps.topic, partition: state.partition, offset: String(offset) })));
      for (const { state, offset } of commits) state.committed = offset;
    } catch (error) {
      // A rebalance in progress refuses commits; the state topic already says where to resume.
      deps.logger.debug(`offset commit postponed: ${errorMessage(error)}`);
    }
  };

  const run = () => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    run,
    async final() {
      while (running) await running.catch(() => {});
      await run();
    },
  };
}
