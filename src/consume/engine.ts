/**
 * The consume engine: a kafkajs consumer group on the prices topic, one window pipeline per
 * assigned partition, sink queues with backpressure, the dead-letter writer, state checkpoints to
 * the compacted state topic, and offset commits only after all of that is durable.
 *
 * Life of a batch: decode → windows → outputs routed to the sink queues (no await on the hot path)
 * → if a queue is over `sinks.maxBuffered`, fetching pauses until it drained to half. Every
 * `kafka.checkpointInterval` (5s by default) a checkpoint round persists what the sinks acknowledged
 * (see checkpointer.ts and changelog.ts).
 */
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import type { Router, Unwritten } from '../delivery/router.ts';
import { closeSinks, describeUnwritten, flushUntilStopped, settledWithin, unwrittenTotal } from '../delivery/stop.ts';
import { ConnectError, errorMessage, StockstreamError } from '../errors.ts';
import { createKafka } from '../kafka/client.ts';
import { openPublisher, type Publisher } from '../kafka/publisher.ts';
import { connectKafka, dlqTopic, ensureTopics, type TopicSpec } from '../kafka/topics.ts';
import { openTransactor, type Transactor } from '../kafka/transactions.ts';
import { serveMetrics, type MetricsServer } from '../metrics/server.ts';
import type { Sink } from '../sinks/types.ts';
import type { Logger } from '../ui/logger.ts';
import type { WindowPipeline } from '../windows/types.ts';
import { createAssignedPartitions, type AssignedPartitions } from './assigned-partitions.ts';
import { createFetchValve, type FetchValve } from './backpressure.ts';
import { partitionKey } from './changelog.ts';
import { createCheckpointer, type Checkpointer } from './checkpointer.ts';
import { createMembershipGate, SESSION_TIMEOUT_MS, type MembershipGate } from './fencing.ts';
import { FETCH } from './fetch.ts';
import { createConsumeMetrics, deliveryMetrics, type ConsumeMetrics } from './metrics.ts';
import { createEngineOutputs, type EngineOutputsDeps } from './outputs.ts';
import type { ApplyCounts } from './partition-state.ts';
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

/**
 * How a run ends: `halt` ends the run (signal or failure); `retries` ends sink retries (failure or
 * stop timeout). The first failure is the one the run throws.
 */
interface RunControl {
  halt: AbortController;
  retries: AbortController;
  readonly failure: Error | undefined;
  /** Stops the whole run with this error (nothing further is committed). */
  fail(error: unknown): void;
  /** Keeps `error` as the run's failure unless there is one already. */
  record(error: unknown): void;
  /** Resolves when the run is halted. */
  halted(): Promise<void>;
  /** Stops listening to the caller's signal. */
  dispose(): void;
}

/** What the run opened, closed at its end whatever happened. */
interface Resources {
  server?: MetricsServer;
  publisher?: Publisher;
  transactor?: Transactor;
  store?: StateStore;
  consumer?: Consumer;
  admin?: Admin;
  extra?: { stop(): Promise<void> };
  sinks: Sink[];
  timers: NodeJS.Timeout[];
}

/** What /readyz reports: in the group with partitions settled, and every sink writing. */
interface Readiness {
  joined: boolean;
  failingSinks: Set<string>;
  notReady(): string[];
}

export async function runConsume(config: Config, options: ConsumeOptions): Promise<ConsumeSummary> {
  const { logger } = options;
  const started = Date.now();
  const run = createRunControl(options.signal);
  const metrics = createConsumeMetrics();
  const summary = emptySummary();
  const readiness = createReadiness(config.kafka.groupId);
  const res: Resources = { sinks: [], timers: [] };
  try {
    res.server = await startMetricsServer(options, metrics, readiness);
    const kafka = createKafka(config, logger, { clientIdSuffix: 'consume' });
    await ensureTopics(kafka, config, logger, topicSpecs(config, options), run.halt.signal);
    const publisher = await openOutputSide(kafka, config, options, run, res);
    const engine = await joinGroup(kafka, config, options, { run, res, metrics, summary, readiness, publisher });
    if (options.onRunning)
      res.extra = await options.onRunning({ kafka, publisher, signal: run.retries.signal, fail: run.fail });
    res.timers.push(...startTimers(config, logger, engine, summary, run.fail));
    await run.halted();
    for (const timer of res.timers) clearInterval(timer);
    if (!run.failure) await stopGracefully(engine, run, logger);
    await fillSummary(summary, metrics);
  } catch (error) {
    run.record(error);
  } finally {
    run.dispose();
    for (const timer of res.timers) clearInterval(timer);
    run.retries.abort();
    await closeAll(res, logger);
  }
  summary.durationMs = Date.now() - started;
  if (run.failure) throw run.failure;
  return summary;
}

function createRunControl(signal: AbortSignal): RunControl {
  const halt = new AbortController();
  const retries = new AbortController();
  let failure: Error | undefined;
  const toError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
  const onStop = () => halt.abort();
  if (signal.aborted) halt.abort();
  signal.addEventListener('abort', onStop, { once: true });
  return {
    halt,
    retries,
    get failure() {
      return failure;
    },
    fail(error) {
      if (!failure && !(halt.signal.aborted && retries.signal.aborted)) failure = toError(error);
      retries.abort();
      halt.abort();
    },
    record(error) {
      failure ??= toError(error);
    },
    halted: () =>
      new Promise<void>((resolve) => {
        if (halt.signal.aborted) resolve();
        halt.signal.addEventListener('abort', () => resolve(), { once: true });
      }),
    dispose: () => signal.removeEventListener('abort', onStop),
  };
}

function emptySummary(): ConsumeSummary {
  return { ticks: 0, bars: 0, invalid: 0, late: 0, deadLetters: 0, checkpoints: 0, durationMs: 0 };
}

function createReadiness(group: string): Readiness {
  const readiness: Readiness = {
    joined: false,
    failingSinks: new Set(),
    notReady: () => [
      ...(readiness.joined ? [] : [`not a settled member of consumer group ${group} yet (connecting or rebalancing)`]),
      ...[...readiness.failingSinks].map((sink) => `sink ${sink} is failing; its writes are being retried`),
    ],
  };
  return readiness;
}

async function startMetricsServer(
  options: ConsumeOptions,
  metrics: ConsumeMetrics,
  readiness: Readiness,
): Promise<MetricsServer | undefined> {
  if (options.metricsPort === undefined) return undefined;
  const server = await serveMetrics(metrics.registry, {
    port: options.metricsPort,
    host: options.metricsHost,
    notReady: readiness.notReady,
  });
  options.logger.info(`metrics on ${server.url}/metrics (health: /healthz, /readyz)`);
  return server;
}

function topicSpecs(config: Config, options: ConsumeOptions): TopicSpec[] {
  return [
    { topic: config.kafka.topics.prices, mustExist: true },
    { topic: dlqTopic(config.kafka.topics.prices) },
    { topic: config.kafka.topics.state, compacted: true },
    ...(options.sinkTopics ?? []),
  ];
}

/** The dead-letter publisher (shared by the kafka sink), the sinks, and under exactly-once the transactor. */
async function openOutputSide(
  kafka: Kafka,
  config: Config,
  options: ConsumeOptions,
  run: RunControl,
  res: Resources,
): Promise<Publisher> {
  const { logger } = options;
  const publisher = await openPublisher(kafka, config, logger, {
    topic: dlqTopic(config.kafka.topics.prices),
    signal: run.halt.signal,
  });
  res.publisher = publisher;
  res.sinks.push(...(await options.createSinks(publisher)));
  if (config.kafka.processingGuarantee === 'exactly-once') {
    res.transactor = await openTransactor(kafka, config, logger, {
      name: `${config.kafka.clientId}:${config.kafka.groupId}`,
      signal: run.retries.signal,
    });
  }
  return publisher;
}

interface JoinContext {
  run: RunControl;
  res: Resources;
  metrics: ConsumeMetrics;
  summary: ConsumeSummary;
  readiness: Readiness;
  publisher: Publisher;
}

/** The running engine: what the timers tick and the stop flushes. */
interface Engine {
  partitions: AssignedPartitions;
  router: Router;
  checkpointer: Checkpointer;
  gate: MembershipGate;
  valve: FetchValve;
  /** Whether checkpoint rounds carry the Kafka outputs (exactly-once). */
  transactional: boolean;
  pauseFetch(): void;
}

/**
 * Wires the engine together and joins the consumer group: the membership gate, the outputs, the
 * state store, the consumer and its admin, the assigned partitions and the checkpointer.
 */
async function joinGroup(kafka: Kafka, config: Config, options: ConsumeOptions, ctx: JoinContext): Promise<Engine> {
  const { logger } = options;
  const { run, res, metrics } = ctx;
  const topic = config.kafka.topics.prices;
  const group = config.kafka.groupId;
  const { valve, gate, outputs } = wireOutputs(config, logger, ctx, {
    partitions: () => partitions.states(),
    inTransaction: () => checkpointer.inTransaction(),
  });
  const { store, consumer, admin } = await openGroupClients(kafka, config, logger, run.halt.signal, res);
  valve.attach(consumer);

  const partitions = createAssignedPartitions({
    topic,
    group,
    dlqTopic: dlqTopic(topic),
    consumer,
    store,
    router: outputs.router,
    route: outputs.route,
    createPipeline: options.createPipeline,
    metrics,
    logger,
    signal: run.halt.signal,
    pause: () => valve.pause(),
    isPaused: () => valve.paused,
    onCounts: (counts, deadLetters) => countApplied(ctx.summary, metrics, counts, deadLetters),
    fail: run.fail,
    committedOffset: (partition) => committedOffset(admin, group, topic, partition),
  });
  const checkpointer = createCheckpointer({
    topic,
    stateTopic: config.kafka.topics.state,
    prefixOf: (partition) => partitionKey(group, topic, partition),
    partitions: () => partitions.states(),
    owns: (state) => partitions.owns(state),
    router: outputs.router,
    publisher: ctx.publisher,
    commit: (offsets) => consumer.commitOffsets(offsets),
    logger,
    metrics,
    gate,
    transactor: res.transactor,
    group,
  });
  const engine: Engine = {
    partitions,
    router: outputs.router,
    checkpointer,
    gate,
    valve,
    transactional: res.transactor !== undefined,
    pauseFetch: () => consumer.pause([{ topic }]),
  };
  listenToGroup(consumer, topic, engine, ctx.readiness, run.fail);

  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: (payload) => partitions.eachBatch(payload),
  });
  return engine;
}

/** Backpressure on the fetch, the membership gate and the outputs' way to the sinks, which need one another. */
function wireOutputs(
  config: Config,
  logger: Logger,
  ctx: JoinContext,
  held: Pick<EngineOutputsDeps, 'partitions' | 'inTransaction'>,
) {
  const { run, res, metrics } = ctx;
  const topic = config.kafka.topics.prices;
  const valve = createFetchValve({
    topic,
    maxBuffered: config.sinks.maxBuffered,
    roomy: () => outputs.router.roomy(),
    metrics,
    logger,
    signal: run.halt.signal,
  });
  const gate = createGate(run.retries.signal, logger);
  const outputs = createEngineOutputs({
    config,
    sinks: res.sinks,
    transactor: res.transactor,
    hooks: {
      logger,
      retrySignal: run.retries.signal,
      onFailed: run.fail,
      onSpace: () => valve.resumeIfRoomy(),
      deadLetters: (batch) => ctx.publisher.send(batch),
      beforeWrite: () => gate.ready(),
      failing: ctx.readiness.failingSinks,
      metrics: deliveryMetrics(metrics),
    },
    metrics,
    ...held,
    dlqTopic: dlqTopic(topic),
  });

  return { valve, gate, outputs };
}

/** The state store, the group's consumer and the admin that reads the group's committed offsets. */
async function openGroupClients(kafka: Kafka, config: Config, logger: Logger, signal: AbortSignal, res: Resources) {
  const group = config.kafka.groupId;
  const store = await openStateStore(kafka, config, logger, { group, topic: config.kafka.topics.prices }, signal);
  res.store = store;
  const consumer = kafka.consumer({
    groupId: group,
    allowAutoTopicCreation: false,
    sessionTimeout: SESSION_TIMEOUT_MS,
    ...FETCH,
  });
  res.consumer = consumer;
  await connectKafka(consumer, config, logger, signal);
  const admin = kafka.admin();
  res.admin = admin;
  await connectKafka(admin, config, logger, signal);
  return { store, consumer, admin };
}

/** Fencing (fencing.ts): after a silence longer than the session timeout allows, nothing is written until the group confirms us. */
function createGate(signal: AbortSignal, logger: Logger): MembershipGate {
  return createMembershipGate({
    signal,
    onLapse: (silentMs) =>
      logger.warn(
        `no word from the consumer group for ${Math.round(silentMs / 1_000)}s: writing nothing until it confirms this consumer still owns its partitions`,
      ),
  });
}

function countApplied(summary: ConsumeSummary, metrics: ConsumeMetrics, counts: ApplyCounts, deadLetters: number) {
  summary.ticks += counts.ticks;
  summary.invalid += counts.invalid;
  summary.late += counts.late;
  summary.deadLetters += deadLetters;
  if (counts.ticks) metrics.ticks.inc(counts.ticks);
  if (counts.invalid) metrics.invalid.inc(counts.invalid);
  if (counts.late) metrics.late.inc(counts.late);
  if (counts.future) metrics.future.inc(counts.future);
  if (counts.failed) metrics.failed.inc(counts.failed);
}

async function committedOffset(admin: Admin, group: string, topic: string, partition: number) {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const offset = Number(offsets?.partitions.find((entry) => entry.partition === partition)?.offset ?? -1);
  return offset >= 0 ? offset : undefined;
}

function listenToGroup(
  consumer: Consumer,
  topic: string,
  engine: Engine,
  readiness: Readiness,
  fail: (error: unknown) => void,
): void {
  const { gate, partitions, checkpointer } = engine;
  consumer.on(consumer.events.HEARTBEAT, () => gate.confirm(Date.now()));
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    gate.confirm(Date.now());
    readiness.joined = true;
    partitions.assign(payload.memberAssignment[topic] ?? []);
    engine.valve.reapply();
  });
  // On revoke: persist what the sinks acknowledged so far, while the partitions are still ours.
  consumer.on(consumer.events.REBALANCING, () => {
    readiness.joined = false;
    partitions.onRebalancing(Date.now());
    void checkpointer.run().catch(fail);
  });
  // Fetch health decides whether silence may count as quiet (quiet.ts).
  consumer.on(consumer.events.FETCH_START, () => partitions.onFetchStart(Date.now()));
  consumer.on(consumer.events.FETCH, () => partitions.onFetched(Date.now()));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    readiness.joined = false;
    if (!payload.restart)
      fail(new ConnectError('Kafka', `consumer stopped: ${errorMessage(payload.error)}`, { cause: payload.error }));
  });
}

function startTimers(
  config: Config,
  logger: Logger,
  engine: Engine,
  summary: ConsumeSummary,
  fail: (error: unknown) => void,
): NodeJS.Timeout[] {
  const { gate, partitions, router, checkpointer, valve } = engine;
  return [
    setInterval(() => {
      gate.lapsed(Date.now()); // says so at once when we wake up from a freeze, even with nothing to write
      partitions.onTimer(Date.now(), TIMER_MS);
      router.updateGauges();
      if (valve.paused && engine.transactional) void checkpointer.run().catch(fail); // only a round drains what waits for it
      valve.resumeIfRoomy();
    }, TIMER_MS),
    setInterval(() => void checkpointer.run().catch(fail), config.kafka.checkpointInterval.ms),
    statusTimer(logger, summary, () => partitions.size()),
  ];
}

/** The stop: no more fetching, then the last checkpoint, given a few seconds when sinks or Kafka are down. */
async function stopGracefully(engine: Engine, run: RunControl, logger: Logger): Promise<void> {
  logger.info('stopping: flushing sinks and committing');
  try {
    engine.pauseFetch();
  } catch {
    // not running yet: nothing to pause
  }
  try {
    // Sinks or Kafka that are down get a few seconds, not forever (src/delivery/stop.ts).
    await flushUntilStopped('the last checkpoint', engine.checkpointer.final(), {
      stop: run.halt.signal,
      retries: run.retries,
    });
  } catch (error) {
    run.record(unflushed(error, engine.router.unwritten())); // a sink that failed for good during the stop keeps its own error
  }
}

async function fillSummary(summary: ConsumeSummary, metrics: ConsumeMetrics): Promise<void> {
  summary.bars = Number((await metrics.windowsClosed.get()).values.reduce((sum, value) => sum + value.value, 0));
  summary.checkpoints = Number((await metrics.checkpoints.get()).values[0]?.value ?? 0);
}

/**
 * Leaving the group and closing clients is quick when the servers are up; one that is away must
 * not hold a stop past its 10 s (the process exits right after, closing what is left).
 */
async function closeAll(res: Resources, logger: Logger): Promise<void> {
  const cleanup = async () => {
    await res.extra?.stop().catch(() => {});
    await res.consumer?.disconnect().catch(() => {});
    await res.admin?.disconnect().catch(() => {});
    await res.store?.stop();
    await closeSinks(res.sinks, logger);
    await res.publisher?.close().catch(() => {});
    await res.transactor?.close();
  };
  if (!(await settledWithin(cleanup(), CLEANUP_MS)))
    logger.debug(`closing the Kafka clients and sinks took over ${CLEANUP_MS}ms; not waiting for them`);
  res.server?.close();
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
