/**
 * The consume engine: a kafkajs consumer group on the prices topic, one window pipeline per
 * assigned partition, sink queues with backpressure, the dead-letter writer, state checkpoints to
 * the compacted state topic, and offset commits only after all of that is durable.
 *
 * Life of a batch: decode → windows → outputs routed to the sink queues (no await on the hot path)
 * → if a queue is over `sinks.maxBuffered`, fetching pauses until it drained to half. Every second a
 * checkpoint round persists what the sinks acknowledged (see checkpointer.ts and changelog.ts).
 */
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { ConnectError, errorMessage, StockstreamError } from '../errors.ts';
import { createKafka } from '../kafka/client.ts';
import { openPublisher, type OutgoingMessage, type Publisher } from '../kafka/publisher.ts';
import { openTransactor, type Transactor } from '../kafka/transactions.ts';
import type { WindowOutput } from '../model.ts';
import { connectKafka, dlqTopic, ensureTopics, type TopicSpec } from '../kafka/topics.ts';
import type { Sink } from '../sinks/types.ts';
import type { Logger } from '../ui/logger.ts';
import { parseDuration } from '../util/duration.ts';
import type { WindowPipeline } from '../windows/types.ts';
import { partitionKey } from './changelog.ts';
import { createCheckpointer } from './checkpointer.ts';
import { serveMetrics, type MetricsServer } from '../metrics/server.ts';
import { createLanes } from '../delivery/lanes.ts';
import type { Unwritten } from '../delivery/router.ts';
import { closeSinks, describeUnwritten, flushUntilStopped, settledWithin, unwrittenTotal } from '../delivery/stop.ts';
import { createMembershipGate, SESSION_TIMEOUT_MS } from './fencing.ts';
import { createConsumeMetrics, deliveryMetrics } from './metrics.ts';
import { FETCH } from './fetch.ts';
import { createAssignedPartitions } from './assigned-partitions.ts';
import type { PartitionState } from './partition-state.ts';
import type { Router } from '../delivery/router.ts';
import { openStateStore, type StateStore } from './state-store.ts';

export interface ConsumeOptions {
  logger: Logger;
  /** Fires on SIGINT/SIGTERM: finish the batch, flush, checkpoint, commit, leave the group. */
  signal: AbortSignal;
  createPipeline(): WindowPipeline;
  /** Creates the enabled sinks; the kafka sink shares the engine's producer. */
  createSinks(publisher: Publisher): Promise<Sink[]>;
  metricsPort?: number;
  /** Address the metrics server binds (default 127.0.0.1). */
  metricsHost?: string;
  /** Extra topics the sinks write to (created when missing). */
  sinkTopics?: TopicSpec[];
  /** Called once the consumer runs (the `--info` persister hooks in here). */
  onRunning?(ctx: RunningContext): Promise<{ stop(): Promise<void> }>;
}

export interface RunningContext {
  kafka: Kafka;
  publisher: Publisher;
  /** Aborted when the run stops or fails: ends retries. */
  signal: AbortSignal;
  /** Stops the whole run with this error (nothing further is committed). */
  fail(error: unknown): void;
}

export interface ConsumeSummary {
  ticks: number;
  bars: number;
  invalid: number;
  late: number;
  deadLetters: number;
  checkpoints: number;
  durationMs: number;
}

/** Pipeline timers, backpressure and gauges. */
const TIMER_MS = 1_000;
const STATUS_MS = 15_000;
/** How long a stop waits for the Kafka clients and sinks to close, after the last checkpoint. */
const CLEANUP_MS = 2_000;

export async function runConsume(config: Config, options: ConsumeOptions): Promise<ConsumeSummary> {
  const { logger } = options;
  const started = Date.now();
  const topic = config.kafka.topics.prices;
  const deadTopic = dlqTopic(topic);
  const stateTopic = config.kafka.topics.state;
  const group = config.kafka.groupId;
  const metrics = createConsumeMetrics();
  const summary: ConsumeSummary = {
    ticks: 0,
    bars: 0,
    invalid: 0,
    late: 0,
    deadLetters: 0,
    checkpoints: 0,
    durationMs: 0,
  };

  // `halt` ends the run (signal or failure); `retryAbort` ends sink retries (failure or stop timeout).
  const halt = new AbortController();
  const retryAbort = new AbortController();
  let failure: Error | undefined;
  const fail = (error: unknown) => {
    if (!failure && !(halt.signal.aborted && retryAbort.signal.aborted)) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    retryAbort.abort();
    halt.abort();
  };
  const onStop = () => halt.abort();
  if (options.signal.aborted) halt.abort();
  options.signal.addEventListener('abort', onStop, { once: true });

  let server: MetricsServer | undefined;
  // What /readyz reports: in the group with partitions settled, and every sink writing.
  let joined = false;
  const failingSinks = new Set<string>();
  const notReady = () => [
    ...(joined ? [] : [`not a settled member of consumer group ${group} yet (connecting or rebalancing)`]),
    ...[...failingSinks].map((sink) => `sink ${sink} is failing; its writes are being retried`),
  ];
  let publisher: Publisher | undefined;
  let transactor: Transactor | undefined;
  let store: StateStore | undefined;
  let consumer: Consumer | undefined;
  let admin: Admin | undefined;
  let extra: { stop(): Promise<void> } | undefined;
  const sinks: Sink[] = [];
  const timers: NodeJS.Timeout[] = [];

  try {
    if (options.metricsPort !== undefined) {
      server = await serveMetrics(metrics.registry, { port: options.metricsPort, host: options.metricsHost, notReady });
      logger.info(`metrics on ${server.url}/metrics (health: /healthz, /readyz)`);
    }
    const kafka = createKafka(config, logger, { clientIdSuffix: 'consume' });
    const specs: TopicSpec[] = [
      { topic, mustExist: true },
      { topic: deadTopic },
      { topic: stateTopic, compacted: true },
      ...(options.sinkTopics ?? []),
    ];
    await ensureTopics(kafka, config, logger, specs, halt.signal);
    publisher = await openPublisher(kafka, config, logger, { topic: deadTopic, signal: halt.signal });
    sinks.push(...(await options.createSinks(publisher)));
    // Exactly-once: what goes to Kafka (dead letters, the kafka sink) waits in its partition for the
    // checkpoint transaction instead of going through a sink queue.
    if (config.kafka.processingGuarantee === 'exactly-once') {
      transactor = await openTransactor(kafka, config, logger, {
        name: `${config.kafka.clientId}:${group}`,
        signal: retryAbort.signal,
      });
    }
    const transactional = transactor ? sinks.filter((sink) => sink.kafkaMessages) : [];

    let paused = false;
    const resumeIfRoomy = () => {
      if (!paused || !router.roomy() || halt.signal.aborted) return;
      paused = false;
      metrics.paused.set(0);
      consumer?.resume([{ topic }]);
      logger.info('sinks caught up: fetching again');
    };
    // Fencing (fencing.ts): after a silence longer than the session timeout allows, nothing is written until the group confirms us.
    const gate = createMembershipGate({
      signal: retryAbort.signal,
      onLapse: (silentMs) =>
        logger.warn(
          `no word from the consumer group for ${Math.round(silentMs / 1_000)}s: writing nothing until it confirms this consumer still owns its partitions`,
        ),
    });
    const dlqWriter = publisher;
    const lanes = createLanes(
      config,
      sinks.filter((sink) => !transactional.includes(sink)),
      {
        logger,
        retrySignal: retryAbort.signal,
        onFailed: fail,
        onSpace: resumeIfRoomy,
        deadLetters: (batch) => dlqWriter.send(batch),
        beforeWrite: () => gate.ready(),
        failing: failingSinks,
        metrics: deliveryMetrics(metrics),
      },
    );
    const staged = () => {
      let count = 0;
      for (const state of partitions.states()) count += state.staged.length;
      return count;
    };
    // What waits for the transaction counts against the same bound as a sink buffer.
    const max = config.sinks.maxBuffered;
    const router: Router = transactor
      ? { ...lanes, full: () => lanes.full() || staged() >= max, roomy: () => lanes.roomy() && staged() <= max / 2 }
      : lanes;
    const route = (state: PartitionState, outputs: WindowOutput[], deadLetters: OutgoingMessage[]) => {
      if (!transactor) return router.route(outputs, deadLetters);
      router.route(outputs, []);
      for (const sink of transactional) {
        const accepted = outputs.filter((output) => sink.accepts(output));
        if (accepted.length > 0) for (const message of sink.kafkaMessages!(accepted)) state.staged.push(message);
      }
      for (const message of deadLetters) state.staged.push(message);
      if (deadLetters.length > 0) metrics.deadLetters.inc(deadLetters.length);
    };

    store = await openStateStore(kafka, config, logger, { group, topic }, halt.signal);
    consumer = kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      sessionTimeout: SESSION_TIMEOUT_MS,
      ...FETCH,
    });
    const liveConsumer = consumer;
    await connectKafka(consumer, config, logger, halt.signal);
    const groupAdmin = kafka.admin();
    admin = groupAdmin;
    await connectKafka(groupAdmin, config, logger, halt.signal);

    const pause = () => {
      if (paused) return;
      paused = true;
      metrics.paused.set(1);
      liveConsumer.pause([{ topic }]);
      logger.info(
        `a sink buffer is full (sinks.maxBuffered ${config.sinks.maxBuffered}): pausing fetch until it drains`,
      );
    };
    const partitions = createAssignedPartitions({
      topic,
      group,
      dlqTopic: deadTopic,
      consumer,
      store,
      router,
      route,
      createPipeline: options.createPipeline,
      metrics,
      logger,
      signal: halt.signal,
      pause,
      isPaused: () => paused,
      onCounts: (counts, deadLetters) => {
        summary.ticks += counts.ticks;
        summary.invalid += counts.invalid;
        summary.late += counts.late;
        summary.deadLetters += deadLetters;
        if (counts.ticks) metrics.ticks.inc(counts.ticks);
        if (counts.invalid) metrics.invalid.inc(counts.invalid);
        if (counts.late) metrics.late.inc(counts.late);
        if (counts.future) metrics.future.inc(counts.future);
        if (counts.failed) metrics.failed.inc(counts.failed);
      },
      fail,
      committedOffset: async (partition) => {
        const [offsets] = await groupAdmin.fetchOffsets({ groupId: group, topics: [topic] });
        const offset = Number(offsets?.partitions.find((entry) => entry.partition === partition)?.offset ?? -1);
        return offset >= 0 ? offset : undefined;
      },
    });
    const checkpointer = createCheckpointer({
      topic,
      stateTopic,
      prefixOf: (partition) => partitionKey(group, topic, partition),
      partitions: () => partitions.states(),
      owns: (state) => partitions.owns(state),
      router,
      publisher,
      commit: (offsets) => liveConsumer.commitOffsets(offsets),
      logger,
      metrics,
      gate,
      transactor,
      group,
    });

    consumer.on(consumer.events.HEARTBEAT, () => gate.confirm(Date.now()));
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      gate.confirm(Date.now());
      joined = true;
      partitions.assign(payload.memberAssignment[topic] ?? []);
      if (paused) liveConsumer.pause([{ topic }]);
    });
    // On revoke: persist what the sinks acknowledged so far, while the partitions are still ours.
    consumer.on(consumer.events.REBALANCING, () => {
      joined = false;
      partitions.onRebalancing(Date.now());
      void checkpointer.run().catch(fail);
    });
    // Fetch health decides whether silence may count as quiet (quiet.ts).
    consumer.on(consumer.events.FETCH_START, () => partitions.onFetchStart(Date.now()));
    consumer.on(consumer.events.FETCH, () => partitions.onFetched(Date.now()));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      joined = false;
      if (!payload.restart)
        fail(new ConnectError('Kafka', `consumer stopped: ${errorMessage(payload.error)}`, { cause: payload.error }));
    });

    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => partitions.eachBatch(payload),
    });
    if (options.onRunning) extra = await options.onRunning({ kafka, publisher, signal: retryAbort.signal, fail });

    timers.push(
      setInterval(() => {
        gate.lapsed(Date.now()); // says so at once when we wake up from a freeze, even with nothing to write
        partitions.onTimer(Date.now(), TIMER_MS);
        router.updateGauges();
        if (paused && transactor) void checkpointer.run().catch(fail); // only a round drains what waits for it
        resumeIfRoomy();
      }, TIMER_MS),
      setInterval(() => void checkpointer.run().catch(fail), parseDuration(config.kafka.checkpointInterval)),
      statusTimer(logger, summary, () => partitions.size()),
    );

    await new Promise<void>((resolve) => {
      if (halt.signal.aborted) resolve();
      halt.signal.addEventListener('abort', () => resolve(), { once: true });
    });

    for (const timer of timers) clearInterval(timer);
    if (!failure) {
      logger.info('stopping: flushing sinks and committing');
      try {
        liveConsumer.pause([{ topic }]);
      } catch {
        // not running yet: nothing to pause
      }
      try {
        // Sinks or Kafka that are down get a few seconds, not forever (src/delivery/stop.ts).
        await flushUntilStopped('the last checkpoint', checkpointer.final(), {
          stop: halt.signal,
          retries: retryAbort,
        });
      } catch (error) {
        failure ??= unflushed(error, router.unwritten()); // a sink that failed for good during the stop keeps its own error
      }
    }
    summary.bars = Number((await metrics.windowsClosed.get()).values.reduce((sum, value) => sum + value.value, 0));
    summary.checkpoints = Number((await metrics.checkpoints.get()).values[0]?.value ?? 0);
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  } finally {
    options.signal.removeEventListener('abort', onStop);
    for (const timer of timers) clearInterval(timer);
    retryAbort.abort();
    const cleanup = async () => {
      await extra?.stop().catch(() => {});
      await consumer?.disconnect().catch(() => {});
      await admin?.disconnect().catch(() => {});
      await store?.stop();
      await closeSinks(sinks, logger);
      await publisher?.close().catch(() => {});
      await transactor?.close();
    };
    // Leaving the group and closing clients is quick when the servers are up; one that is away
    // must not hold a stop past its 10 s (the process exits right after, closing what is left).
    if (!(await settledWithin(cleanup(), CLEANUP_MS)))
      logger.debug(`closing the Kafka clients and sinks took over ${CLEANUP_MS}ms; not waiting for them`);
    server?.close();
  }
  summary.durationMs = Date.now() - started;
  if (failure) throw failure;
  return summary;
}

/** A stop that could not write or commit everything: how much, and why nothing is lost. */
function unflushed(error: unknown, unwritten: readonly Unwritten[]): StockstreamError {
  const why = errorMessage(error);
  if (unwrittenTotal(unwritten) > 0) {
    return new StockstreamError(`stopped with ${describeUnwritten(unwritten)}; ${why}`, {
      hint: 'nothing is lost: their offsets were not committed, so the next start reads and writes them again',
      cause: error,
    });
  }
  return new StockstreamError(
    `stopped before the last checkpoint was committed (${why}); ${describeUnwritten(unwritten)}`,
    {
      hint: 'nothing is lost: offsets stay at the last commit, so the next start reads from there again (writes are idempotent)',
      cause: error,
    },
  );
}

function statusTimer(logger: Logger, summary: ConsumeSummary, partitions: () => number): NodeJS.Timeout {
  let last = 0;
  return setInterval(() => {
    const ticks = summary.ticks - last;
    last = summary.ticks;
    if (ticks === 0) return;
    logger.info(
      `consumed ${ticks} ticks (${Math.round((ticks * 1_000) / STATUS_MS)}/s) on ${partitions()} partition(s)`,
      {
        total: summary.ticks,
        late: summary.late,
        dlq: summary.deadLetters,
      },
    );
  }, STATUS_MS);
}
