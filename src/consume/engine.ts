/**
 * The consume engine: a kafkajs consumer group on the prices topic, one window pipeline per
 * assigned partition, sink queues with backpressure, the dead-letter writer, state checkpoints to
 * the compacted state topic, and offset commits only after all of that is durable.
 *
 * Life of a batch: decode → windows → outputs routed to the sink queues (no await on the hot path)
 * → if a queue is over `sinks.maxBuffered`, fetching pauses until it drained to half. Every second a
 * checkpoint round persists what the sinks acknowledged (see checkpointer.ts and changelog.ts).
 */
import type { Server } from 'node:http';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { ConnectError, errorMessage, StockstreamError } from '../errors.ts';
import { createKafka } from '../kafka/client.ts';
import { openPublisher, type OutgoingMessage, type Publisher } from '../kafka/publisher.ts';
import { connectKafka, dlqTopic, ensureTopics, type TopicSpec } from '../kafka/topics.ts';
import type { WindowOutput } from '../model.ts';
import type { Sink } from '../sinks/types.ts';
import type { Logger } from '../ui/logger.ts';
import { parseDuration } from '../util/duration.ts';
import { retry } from '../util/retry.ts';
import type { WindowPipeline } from '../windows/types.ts';
import { partitionKey, planRestore } from './changelog.ts';
import { createCheckpointer } from './checkpointer.ts';
import { createConsumeMetrics, serveMetrics, type ConsumeMetrics } from './metrics.ts';
import { applyMessages, applyRestore, createPartitionState, type ApplyContext, type ApplyCounts, type PartitionState } from './partition.ts';
import { createRouter, type Router, type SinkLane } from './router.ts';
import { createSinkQueue, type QueueWriter, type SinkQueueOptions } from './sink-queue.ts';
import { openStateStore, type StateStore } from './state-store.ts';

export interface ConsumeOptions {
  logger: Logger;
  /** Fires on SIGINT/SIGTERM: finish the batch, flush, checkpoint, commit, leave the group. */
  signal: AbortSignal;
  createPipeline(): WindowPipeline;
  /** Creates the enabled sinks; the kafka sink shares the engine's producer. */
  createSinks(publisher: Publisher): Promise<Sink[]>;
  metricsPort?: number;
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
const CHECKPOINT_MS = 1_000;
const STATUS_MS = 15_000;
/** How long a graceful stop may wait for sinks that are down before giving up uncommitted. */
const STOP_TIMEOUT_MS = 30_000;
const RESTORE_HEARTBEAT_MS = 3_000;
/** Messages applied between two looks at the sink buffers. */
const SLICE = 2_000;

interface QueueHooks {
  metrics: ConsumeMetrics;
  logger: Logger;
  retrySignal: AbortSignal;
  onFailed(error: Error): void;
  onSpace(): void;
}

function sinkQueueOptions(config: Config, name: string, { metrics, logger, retrySignal, onFailed, onSpace }: QueueHooks): SinkQueueOptions {
  return {
    batchSize: config.sinks.batchSize,
    flushIntervalMs: parseDuration(config.sinks.flushInterval),
    maxBuffered: config.sinks.maxBuffered,
    signal: retrySignal,
    onWritten: (_count: number, ms: number) => metrics.sinkWrite.observe({ sink: name }, ms / 1_000),
    onRetry: (error: unknown, attempt: number, delayMs: number) => {
      metrics.sinkRetries.inc({ sink: name });
      logger.warn(`${name}: write failed (${errorMessage(error)}); retry ${attempt} in ${Math.round(delayMs)}ms, buffering meanwhile`);
    },
    onFailed,
    onSpace,
  };
}

export async function runConsume(config: Config, options: ConsumeOptions): Promise<ConsumeSummary> {
  const { logger } = options;
  const started = Date.now();
  const topic = config.kafka.topics.prices;
  const deadTopic = dlqTopic(topic);
  const stateTopic = config.kafka.topics.state;
  const group = config.kafka.groupId;
  const metrics = createConsumeMetrics();
  const summary: ConsumeSummary = { ticks: 0, bars: 0, invalid: 0, late: 0, deadLetters: 0, checkpoints: 0, durationMs: 0 };

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

  let server: Server | undefined;
  let publisher: Publisher | undefined;
  let store: StateStore | undefined;
  let consumer: Consumer | undefined;
  let extra: { stop(): Promise<void> } | undefined;
  const sinks: Sink[] = [];
  const timers: NodeJS.Timeout[] = [];

  try {
    if (options.metricsPort !== undefined) {
      server = await serveMetrics(metrics.registry, options.metricsPort);
      logger.info(`metrics on http://127.0.0.1:${options.metricsPort}/metrics`);
    }
    const kafka = createKafka(config, logger, { clientIdSuffix: 'consume' });
    const specs: TopicSpec[] = [{ topic }, { topic: deadTopic }, { topic: stateTopic, compacted: true }, ...(options.sinkTopics ?? [])];
    // Right after creating a topic, Kafka (KRaft) may briefly answer metadata requests for it with
    // UNKNOWN_TOPIC_OR_PARTITION, which kafkajs' waitForLeaders does not wait out; a second look
    // finds the topics there.
    await retry(() => ensureTopics(kafka, config, logger, specs, halt.signal), {
      signal: halt.signal,
      deadlineMs: 30_000,
      initialMs: 200,
      retryable: (error) => (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    publisher = await openPublisher(kafka, config, logger, { topic: deadTopic, signal: halt.signal });
    sinks.push(...(await options.createSinks(publisher)));

    let paused = false;
    let router: Router | undefined;
    const resumeIfRoomy = () => {
      if (!paused || !router?.roomy() || halt.signal.aborted) return;
      paused = false;
      metrics.paused.set(0);
      consumer?.resume([{ topic }]);
      logger.info('sinks caught up: fetching again');
    };
    const queueOf = <T>(writer: QueueWriter<T>, concurrency = 1) =>
      createSinkQueue(writer, { ...sinkQueueOptions(config, writer.name, { metrics, logger, retrySignal: retryAbort.signal, onFailed: fail, onSpace: resumeIfRoomy }), concurrency });
    const lanes: SinkLane[] = sinks.map((sink) => ({
      sink,
      queue: queueOf<WindowOutput>(
        { name: sink.name, write: (batch) => sink.write(batch), fatal: (error) => sink.fatal?.(error), writeAlone: sink.writeAlone?.bind(sink) },
        sink.concurrency,
      ),
    }));
    const livePublisher = publisher;
    const dlq = queueOf<OutgoingMessage>({ name: 'dlq', write: (batch) => livePublisher.send(batch) });
    router = createRouter(lanes, dlq, metrics, config.sinks.maxBuffered);
    const liveRouter = router;

    store = await openStateStore(kafka, config, logger, { group, topic }, halt.signal);
    const liveStore = store;

    const partitions = new Map<number, PartitionState>();
    const restoring = new Map<number, Promise<PartitionState | undefined>>();
    let assigned = new Set<number>();
    /** Partitions whose last batch reached the end of the log: only there does quiet mean idle. */
    const atEnd = new Set<number>();

    consumer = kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
    });
    const liveConsumer = consumer;
    await connectKafka(consumer, config, logger, halt.signal);

    const checkpointer = createCheckpointer({
      topic,
      stateTopic,
      prefixOf: (partition) => partitionKey(group, topic, partition),
      partitions: () => partitions.values(),
      owns: (state) => partitions.get(state.partition) === state,
      router,
      publisher,
      commit: (offsets) => liveConsumer.commitOffsets(offsets),
      logger,
      metrics,
    });

    const pause = () => {
      if (paused) return;
      paused = true;
      metrics.paused.set(1);
      liveConsumer.pause([{ topic }]);
      logger.info(`a sink buffer is full (sinks.maxBuffered ${config.sinks.maxBuffered}): pausing fetch until it drains`);
    };

    const restore = (partition: number, heartbeat: () => Promise<void>): Promise<PartitionState | undefined> => {
      let pending = restoring.get(partition);
      if (pending) return pending;
      pending = (async () => {
        const beat = setInterval(() => void heartbeat().catch(() => {}), RESTORE_HEARTBEAT_MS);
        try {
          const prefix = partitionKey(group, topic, partition);
          const records = await liveStore.load(prefix, halt.signal);
          const plan = planRestore(records.checkpoint, records.symbols);
          const state = createPartitionState(partition, options.createPipeline());
          applyRestore(state, plan, prefix);
          if (!assigned.has(partition)) return undefined;
          partitions.set(partition, state);
          const restored = plan.states.filter((entry) => entry.state !== null).length;
          logger.info(`partition ${partition}: ${restored ? `restored ${restored} symbol(s), ` : ''}reading from ${plan.seekTo ?? 'the committed offset'}`);
          return state;
        } finally {
          clearInterval(beat);
          restoring.delete(partition);
        }
      })();
      restoring.set(partition, pending);
      return pending;
    };

    const count = (counts: ApplyCounts, deadLetters: number) => {
      summary.ticks += counts.ticks;
      summary.invalid += counts.invalid;
      summary.late += counts.late;
      summary.deadLetters += deadLetters;
      if (counts.ticks) metrics.ticks.inc(counts.ticks);
      if (counts.invalid) metrics.invalid.inc(counts.invalid);
      if (counts.late) metrics.late.inc(counts.late);
    };

    const eachBatch = async ({ batch, resolveOffset, isStale, heartbeat }: EachBatchPayload) => {
      if (halt.signal.aborted || batch.isEmpty()) return;
      const partition = batch.partition;
      try {
        let state = partitions.get(partition);
        if (!state) {
          if (!assigned.has(partition)) return;
          state = await restore(partition, heartbeat);
          if (!state || halt.signal.aborted) return;
          if (state.position !== undefined && Number(batch.firstOffset()) !== state.position) {
            liveConsumer.seek({ topic, partition, offset: String(state.position) });
            return;
          }
        }
        if (isStale()) return;
        const first = Number(batch.firstOffset());
        if (state.position !== undefined && first > state.position) {
          // A batch fetched before a pause can start past what we applied: read again from there.
          // If the offsets are really gone (retention), the second look accepts the gap.
          if (state.gapSeek !== state.position) {
            state.gapSeek = state.position;
            liveConsumer.seek({ topic, partition, offset: String(state.position) });
            return;
          }
          if (first - state.position > 1) logger.warn(`partition ${partition}: offsets ${state.position}–${first - 1} are no longer in Kafka; continuing at ${first}`);
        }
        const arrivalMs = Date.now();
        const { messages } = batch;
        // In slices, so a full sink buffer pauses fetching within one slice of its bound; the rest
        // of the batch is fetched again after the resume.
        for (let from = 0; from < messages.length && !halt.signal.aborted; from += SLICE) {
          const to = Math.min(messages.length, from + SLICE);
          const ctx: ApplyContext = { topic, dlqTopic: deadTopic, emitTicks: liveRouter.wantsTicks, arrivalMs, outputs: [], deadLetters: [] };
          const counts = applyMessages(state, messages, ctx, from, to);
          resolveOffset(messages[to - 1]!.offset);
          liveRouter.route(ctx.outputs, ctx.deadLetters);
          count(counts, ctx.deadLetters.length);
          if (liveRouter.full()) {
            pause();
            break;
          }
        }
        const lag = Number(batch.highWatermark) - (state.position ?? 0);
        metrics.lag.set({ partition: String(partition) }, lag);
        if (lag === 0) atEnd.add(partition);
        else atEnd.delete(partition);
      } catch (error) {
        fail(error);
      }
    };

    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const next = new Set(payload.memberAssignment[topic] ?? []);
      for (const partition of partitions.keys()) {
        if (next.has(partition)) continue;
        partitions.delete(partition);
        atEnd.delete(partition);
        metrics.lag.remove({ partition: String(partition) });
        logger.info(`partition ${partition} moved to another consumer`);
      }
      for (const partition of next) {
        const position = partitions.get(partition)?.position;
        // The group restarts kept partitions at their committed offset; we are further along.
        if (position !== undefined) liveConsumer.seek({ topic, partition, offset: String(position) });
      }
      assigned = next;
      logger.info(`consumer group ${group}: assigned partition(s) ${[...next].sort((a, b) => a - b).join(', ') || 'none'} of ${topic}`);
      if (paused) liveConsumer.pause([{ topic }]);
    });
    // On revoke: persist what the sinks acknowledged so far, while the partitions are still ours.
    consumer.on(consumer.events.REBALANCING, () => void checkpointer.run().catch(fail));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) fail(new ConnectError('Kafka', `consumer stopped: ${errorMessage(payload.error)}`, { cause: payload.error }));
    });

    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
    if (options.onRunning) extra = await options.onRunning({ kafka, publisher, signal: retryAbort.signal, fail });

    timers.push(
      setInterval(() => {
        const now = Date.now();
        for (const state of partitions.values()) {
          // Idle closes only where the log is exhausted; behind, the data itself moves time on.
          if (paused || !atEnd.has(state.partition)) continue;
          const outputs: WindowOutput[] = [];
          state.pipeline.onTimer(now, outputs);
          if (outputs.length > 0) {
            state.touched = true;
            liveRouter.route(outputs, []);
          }
        }
        liveRouter.updateGauges();
        resumeIfRoomy();
      }, TIMER_MS),
      setInterval(() => void checkpointer.run().catch(fail), CHECKPOINT_MS),
      statusTimer(logger, summary, () => partitions.size),
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
      const deadline = setTimeout(() => retryAbort.abort(), STOP_TIMEOUT_MS);
      try {
        await checkpointer.final();
      } catch (error) {
        failure = unflushed(error);
      } finally {
        clearTimeout(deadline);
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
    await extra?.stop().catch(() => {});
    await consumer?.disconnect().catch(() => {});
    await store?.stop();
    for (const sink of sinks) await sink.close().catch((error: unknown) => logger.warn(`${sink.name}: close failed (${errorMessage(error)})`));
    await publisher?.close().catch(() => {});
    server?.close();
  }
  summary.durationMs = Date.now() - started;
  if (failure) throw failure;
  return summary;
}

function unflushed(error: unknown): StockstreamError {
  if (error instanceof StockstreamError) return error;
  return new StockstreamError(`stopped before every sink acknowledged its outputs (${errorMessage(error)})`, {
    hint: 'nothing is lost: offsets were committed only up to what the sinks wrote, so the next start writes the rest',
    cause: error,
  });
}

function statusTimer(logger: Logger, summary: ConsumeSummary, partitions: () => number): NodeJS.Timeout {
  let last = 0;
  return setInterval(() => {
    const ticks = summary.ticks - last;
    last = summary.ticks;
    if (ticks === 0) return;
    logger.info(`consumed ${ticks} ticks (${Math.round((ticks * 1_000) / STATUS_MS)}/s) on ${partitions()} partition(s)`, {
      total: summary.ticks,
      late: summary.late,
      dlq: summary.deadLetters,
    });
  }, STATUS_MS);
}
