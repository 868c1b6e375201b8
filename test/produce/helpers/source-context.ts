/** A SourceContext that records what a source emits and says, and can stop it on a condition. */
import type { Tick } from '../../../src/model.ts';
import type { SourceContext } from '../../../src/sources/types.ts';
import { quietLogger } from './kafka.ts';

export interface Recording {
  ctx: SourceContext;
  batches: Tick[][];
  ticks(): Tick[];
  statuses: string[];
  rejected: Array<{ raw: string; reason: string }>;
  /** Requested sleeps (ms), when the source got `sleep` below as its deps.sleep. */
  sleeps: number[];
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  logLines: string[];
  stop(): void;
}

export interface RecordingOptions {
  /** Abort once this many batches were emitted. */
  stopAfterBatches?: number;
  /** Abort at the n-th sleep (1-based), before it returns. */
  stopAtSleep?: number;
}

export function recordingContext(symbols: string[], options: RecordingOptions = {}): Recording {
  const controller = new AbortController();
  const logger = quietLogger();
  const batches: Tick[][] = [];
  const statuses: string[] = [];
  const rejected: Recording['rejected'] = [];
  const sleeps: number[] = [];
  const ctx: SourceContext = {
    symbols,
    signal: controller.signal,
    logger,
    status: (text) => void statuses.push(text),
    emit: async (ticks) => {
      batches.push(ticks);
      if (options.stopAfterBatches !== undefined && batches.length >= options.stopAfterBatches) controller.abort();
    },
    reject: async (raw, reason) => void rejected.push({ raw, reason }),
  };
  return {
    ctx,
    batches,
    ticks: () => batches.flat(),
    statuses,
    rejected,
    sleeps,
    sleep: async (ms) => {
      sleeps.push(ms);
      if (options.stopAtSleep !== undefined && sleeps.length >= options.stopAtSleep) controller.abort();
      // Yield so a runaway loop cannot starve the test's own timers.
      await new Promise((resolve) => setImmediate(resolve));
    },
    logLines: logger.lines,
    stop: () => controller.abort(),
  };
}
