/**
 * A sink takes batches and resolves `write` only when they are durable. The consume engine, not
 * each sink, owns batching, retry with backoff, bounded buffers and pausing the consumer.
 * Writes must be idempotent: the same output written twice leaves the same data.
 */
import type { Config, SinkName } from '../config/schema.ts';
import type { ConfigSection } from '../config/section.ts';
import type { StockstreamError } from '../errors.ts';
import type { OutgoingMessage, Publisher } from '../kafka/publisher.ts';
import type { TopicSpec } from '../kafka/topics.ts';
import type { WindowOutput } from '../model.ts';
import type { Logger } from '../ui/logger.ts';
import type { Output } from '../ui/output.ts';

export interface Sink {
  readonly name: SinkName;
  /** Whether this sink stores this kind of output at all (the engine skips the rest). */
  accepts(output: WindowOutput): boolean;
  write(batch: readonly WindowOutput[]): Promise<void>;
  /**
   * Writes the engine may have in flight at once (default 1). Above 1, batches may land in any
   * order, so outputs that a later version of the same point may follow must say so below.
   */
  readonly concurrency?: number;
  /** Outputs whose batch is written alone (interim bars: the final version follows). */
  writeAlone?(output: WindowOutput): boolean;
  /**
   * For an error no retry can fix (a rejected token, a missing bucket or table), the error to stop
   * with, naming the fix; undefined for everything else, which the engine retries with backoff.
   */
  fatal?(error: unknown): StockstreamError | undefined;
  /**
   * A sink that only produces Kafka messages: under `kafka.processingGuarantee: exactly-once` the
   * engine puts these messages into its checkpoint transaction instead of calling `write`.
   */
  kafkaMessages?(batch: readonly WindowOutput[]): OutgoingMessage[];
  close(): Promise<void>;
}

export interface SinkDeps {
  logger: Logger;
  /** --json: machine-readable output (the console sink writes NDJSON). */
  json: boolean;
  /** stdout, for the console sink. */
  out: Output;
  /** Whether stdout is an interactive terminal (console sink: live table vs plain lines). */
  tty: boolean;
  /** The engine's Kafka producer, for the kafka sink. */
  publisher?: Publisher;
  signal?: AbortSignal;
}

/** What a sink's module exports; its spec loads it. */
export interface SinkModule {
  create(config: Config, deps: SinkDeps): Promise<Sink>;
}

/** A sink's entry in src/sinks/catalog.ts: everything but the code, which `load` imports. */
export interface SinkSpec {
  readonly name: string;
  readonly description: string;
  /** A command line that shows it, for help and the README. */
  readonly example: string;
  /** What it stores, for the README table (the sink's `accepts` decides per output). */
  readonly kinds: string;
  /** The server it writes to: doctor requires that check to pass only when this sink is enabled. */
  readonly service?: 'influx' | 'postgres' | 'kafka';
  /** Why `watch --sink` leaves it out; absent when watch can write to it. */
  readonly notInWatch?: string;
  /** Its section under `sinks.<key>` of the config. */
  readonly config?: ConfigSection;
  /**
   * Topics it writes to, created by the engine when missing. Typed by the part of the config it
   * reads, because `Config` is itself built from the catalog.
   */
  topics?(config: { kafka: { topics: Record<string, string> } }): TopicSpec[];
  load(): Promise<SinkModule>;
}
