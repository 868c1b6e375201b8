/**
 * A source runs until its AbortSignal fires and hands batches of ticks to `emit`; awaiting `emit`
 * is the backpressure (the Kafka producer, or watch's operators, resolve it when they took the batch).
 */
import type { Config, SourceName } from '../config/schema.ts';
import type { ConfigSection } from '../config/section.ts';
import type { Tick } from '../model.ts';
import type { Logger } from '../ui/logger.ts';

export interface SourceContext {
  symbols: string[];
  signal: AbortSignal;
  emit(ticks: Tick[]): Promise<void>;
  logger: Logger;
  /** A short status for the status line (rate limited, market closed until …). */
  status(text: string): void;
  /**
   * Hands over input the source could not turn into a tick (a bad replay line), with the reason;
   * produce sends it to the dead-letter topic. Left out where nothing should be kept (watch).
   */
  reject?(raw: string, reason: string): Promise<void>;
}

export interface Source {
  readonly name: SourceName | 'backfill';
  /** Resolves when the signal fired (or a finite source is exhausted). */
  run(ctx: SourceContext): Promise<void>;
}

/** What the outside world looks like to a source; tests pass replaying fakes for Yahoo. */
export interface SourceDeps {
  fetch?: typeof globalThis.fetch;
  /** Wall clock; tests may pin it. */
  now?: () => number;
  /** Waits (backoff, market closed); tests may record the delays and return at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What a source's module exports; its spec loads it. */
export interface SourceModule {
  create(config: Config, deps?: SourceDeps): Source;
}

/** A source's entry in src/sources/catalog.ts: everything but the code, which `load` imports. */
export interface SourceSpec {
  readonly name: string;
  readonly description: string;
  /** A command line that shows it, for help and the README. */
  readonly example: string;
  /** The outside service it reads (doctor checks it only when the configured source needs it). */
  readonly service?: 'yahoo';
  /** Its section under `source.<key>` of the config. */
  readonly config?: ConfigSection;
  load(): Promise<SourceModule>;
}
