/**
 * How the engine hands a partition's outputs and dead letters on. At least once, everything goes
 * through the delivery lanes (src/delivery). Exactly once, what goes to Kafka (dead letters, the
 * kafka sink) waits in its partition for the checkpoint transaction instead of going through a sink
 * queue, and counts against the same bound as a sink buffer — and as not written, when a stop
 * leaves it behind.
 */
import type { Config } from '../config/schema.ts';
import { createLanes, type LaneHooks } from '../delivery/lanes.ts';
import type { Router, Unwritten } from '../delivery/router.ts';
import type { OutgoingMessage } from '../kafka/publisher.ts';
import type { Transactor } from '../kafka/transactions.ts';
import type { WindowOutput } from '../model.ts';
import type { Sink } from '../sinks/types.ts';
import type { ConsumeMetrics } from './metrics.ts';
import type { PartitionState } from './partition-state.ts';

export interface EngineOutputs {
  router: Router;
  /** Hands a partition's outputs and dead letters on: to the router, or (exactly-once) partly to the partition's transaction. */
  route(state: PartitionState, outputs: WindowOutput[], deadLetters: OutgoingMessage[]): void;
}

export interface EngineOutputsDeps {
  config: Config;
  sinks: readonly Sink[];
  /** Present under exactly-once (kafka.processingGuarantee). */
  transactor: Transactor | undefined;
  hooks: LaneHooks;
  metrics: ConsumeMetrics;
  /** The partitions whose staged messages wait for the next transaction. */
  partitions(): Iterable<PartitionState>;
  /** The staged messages a running checkpoint round took into its transaction (not written yet either). */
  inTransaction(): Iterable<readonly OutgoingMessage[]>;
  /** Where dead letters go: staged ones count as the dlq's. */
  dlqTopic: string;
}

export function createEngineOutputs(deps: EngineOutputsDeps): EngineOutputs {
  const { config, sinks, transactor, metrics } = deps;
  const transactional = transactor ? sinks.filter((sink) => sink.kafkaMessages) : [];
  const lanes = createLanes(
    config,
    sinks.filter((sink) => !transactional.includes(sink)),
    deps.hooks,
  );
  if (!transactor) return { router: lanes, route: (_state, outputs, deadLetters) => lanes.route(outputs, deadLetters) };

  const staged = () => {
    let count = 0;
    for (const state of deps.partitions()) count += state.staged.length;
    return count;
  };
  const max = config.sinks.maxBuffered;
  const router: Router = {
    ...lanes,
    full: () => lanes.full() || staged() >= max,
    roomy: () => lanes.roomy() && staged() <= max / 2,
    unwritten: () => mergeUnwritten([...lanes.unwritten(), ...stagedUnwritten(deps, transactional)]),
  };
  const route = (state: PartitionState, outputs: WindowOutput[], deadLetters: OutgoingMessage[]) => {
    router.route(outputs, []);
    for (const sink of transactional) {
      const accepted = outputs.filter((output) => sink.accepts(output));
      if (accepted.length > 0) for (const message of sink.kafkaMessages!(accepted)) state.staged.push(message);
    }
    for (const message of deadLetters) state.staged.push(message);
    if (deadLetters.length > 0) metrics.deadLetters.inc(deadLetters.length);
  };
  return { router, route };
}

/** The staged messages, as the queues count theirs: dead letters under dlq, the rest under the transactional sinks. */
function stagedUnwritten(deps: EngineOutputsDeps, transactional: readonly Sink[]): Unwritten[] {
  let deadLetters = 0;
  let outputs = 0;
  const count = (messages: readonly OutgoingMessage[]) => {
    for (const message of messages) {
      if (message.topic === deps.dlqTopic) deadLetters++;
      else outputs++;
    }
  };
  for (const state of deps.partitions()) count(state.staged);
  for (const messages of deps.inTransaction()) count(messages);
  return [
    { name: transactional.map((sink) => sink.name).join('+'), count: outputs },
    { name: 'dlq', count: deadLetters },
  ].filter((entry) => entry.count > 0);
}

/** One entry per name (the dlq queue and the staged dead letters are both the dlq's). */
function mergeUnwritten(entries: readonly Unwritten[]): Unwritten[] {
  const byName = new Map<string, number>();
  for (const { name, count } of entries) byName.set(name, (byName.get(name) ?? 0) + count);
  return [...byName].map(([name, count]) => ({ name, count }));
}
