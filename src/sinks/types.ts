/**
 * A sink takes batches and resolves `write` only when they are durable. The consume engine, not
 * each sink, owns batching, retry with backoff, bounded buffers and pausing the consumer.
 * Writes must be idempotent: the same output written twice leaves the same data.
 */
import type { Config, SinkName } from '../config/schema.ts';
import type { WindowOutput } from '../model.ts';
import type { Logger } from '../ui/logger.ts';

export interface Sink {
  readonly name: SinkName;
  /** Whether this sink stores this kind of output at all (the engine skips the rest). */
  accepts(output: WindowOutput): boolean;
  write(batch: readonly WindowOutput[]): Promise<void>;
  close(): Promise<void>;
}

export interface SinkDeps {
  logger: Logger;
  /** Whether stdout is an interactive terminal (console sink: table vs NDJSON). */
  json: boolean;
}

export interface SinkModule {
  name: SinkName;
  description: string;
  create(config: Config, deps: SinkDeps): Promise<Sink>;
}
