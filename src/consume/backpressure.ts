/**
 * Backpressure on the fetch: a sink buffer over `sinks.maxBuffered` pauses fetching the prices
 * topic, and it resumes once every buffer drained to half.
 */
import type { Consumer } from 'kafkajs';
import type { Logger } from '../ui/logger.ts';
import type { ConsumeMetrics } from './metrics.ts';

export interface FetchValve {
  readonly paused: boolean;
  /** The consumer to pause and resume, once it exists. */
  attach(consumer: Pick<Consumer, 'pause' | 'resume'>): void;
  pause(): void;
  /** Resumes a paused fetch when the buffers have room again (and the run goes on). */
  resumeIfRoomy(): void;
  /** After joining the group kafkajs fetches every assigned partition: a pause must stay in force. */
  reapply(): void;
}

export interface FetchValveOptions {
  topic: string;
  maxBuffered: number;
  /** Every buffer at most half full. */
  roomy(): boolean;
  metrics: ConsumeMetrics;
  logger: Logger;
  /** Aborted when the run stops: no resuming then. */
  signal: AbortSignal;
}

export function createFetchValve(options: FetchValveOptions): FetchValve {
  const { topic, metrics, logger } = options;
  let consumer: Pick<Consumer, 'pause' | 'resume'> | undefined;
  let paused = false;
  return {
    get paused() {
      return paused;
    },
    attach(next) {
      consumer = next;
    },
    pause() {
      if (paused) return;
      paused = true;
      metrics.paused.set(1);
      consumer?.pause([{ topic }]);
      logger.info(`a sink buffer is full (sinks.maxBuffered ${options.maxBuffered}): pausing fetch until it drains`);
    },
    resumeIfRoomy() {
      if (!paused || !options.roomy() || options.signal.aborted) return;
      paused = false;
      metrics.paused.set(0);
      consumer?.resume([{ topic }]);
      logger.info('sinks caught up: fetching again');
    },
    reapply() {
      if (paused) consumer?.pause([{ topic }]);
    },
  };
}
