/**
 * How the engine hands a partition's outputs and dead letters on. At least once, everything goes
 * through the delivery lanes (src/delivery). Exactly once, what goes to Kafka (dead letters, the
 * kafka sink) waits in its partition for the checkpoint transaction instead of going through a sink
 * queue, and counts against the same bound as a sink buffer.
 */
import type { Config } from '../config/schema.ts';
import { createLanes, type LaneHooks } from '../delivery/lanes.ts';
import type { Router } from '../delivery/router.ts';
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
