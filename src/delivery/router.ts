/**
 * Hands each batch of outputs to the sink queues that accept them and dead letters to the DLQ
 * queue, and knows how far every queue has got: `marks()` taken together with a checkpoint are what
 * must be written before that checkpoint's offsets may be committed.
 */
import type { OutgoingMessage } from '../kafka/publisher.ts';
import type { WindowOutput } from '../model.ts';
import type { Sink } from '../sinks/types.ts';
import type { DeliveryMetrics } from './metrics.ts';
import type { SinkQueue } from './sink-queue.ts';

export interface SinkLane {
  sink: Sink;
  queue: SinkQueue<WindowOutput>;
}

/** What one queue holds that was not written: what a stop leaves behind. */
export interface Unwritten {
  name: string;
  count: number;
}

export interface Router {
  /** Queues each output for the sinks that store its kind, and dead letters for the DLQ. */
  route(outputs: readonly WindowOutput[], deadLetters?: OutgoingMessage[]): void;
  /** Whether any sink stores ticks (else the engine does not emit them). */
  readonly wantsTicks: boolean;
  /** How far each queue must get: one entry per sink, then the DLQ (when there is one). */
  marks(): number[];
  whenWritten(marks: readonly number[]): Promise<void>;
  /** A queue over its bound: time to pause fetching (or the source). */
  full(): boolean;
  /** Every queue at most half full: fetching may resume. */
  roomy(): boolean;
  /** The queues that still hold something not written, with how much. */
  unwritten(): Unwritten[];
  updateGauges(): void;
  /** Stops every queue's timer; waiters still pending are rejected. */
  close(): void;
}

const SAMPLE_TICK: WindowOutput = { kind: 'tick', tick: { symbol: 'X', time: 1, price: 1, source: 'sample' } };

export function createRouter(
  lanes: readonly SinkLane[],
  dlq: SinkQueue<OutgoingMessage> | undefined,
  metrics: DeliveryMetrics | undefined,
  maxBuffered: number,
): Router {
  const queues: Array<SinkQueue<unknown>> = lanes.map((lane) => lane.queue as SinkQueue<unknown>);
  if (dlq) queues.push(dlq as SinkQueue<unknown>);

  return {
    wantsTicks: lanes.some((lane) => lane.sink.accepts(SAMPLE_TICK)),
    route(outputs, deadLetters = []) {
      if (outputs.length > 0) {
        metrics?.routed(outputs);
        for (const { sink, queue } of lanes) queue.enqueue(outputs.filter((output) => sink.accepts(output)));
      }
      if (deadLetters.length > 0) {
        if (!dlq) throw new Error('dead letters routed, but there is no dead-letter queue');
        dlq.enqueue(deadLetters);
        metrics?.deadLettered(deadLetters.length);
      }
    },
    marks: () => queues.map((queue) => queue.appended()),
    async whenWritten(marks) {
      await Promise.all(queues.map((queue, i) => queue.whenWritten(marks[i] ?? 0)));
    },
    full: () => queues.some((queue) => queue.full()),
    roomy: () => queues.every((queue) => queue.buffered() <= maxBuffered / 2),
    unwritten: () =>
      queues.map((queue) => ({ name: queue.name, count: queue.unwritten() })).filter((entry) => entry.count > 0),
    updateGauges() {
      for (const queue of queues) metrics?.buffered(queue.name, queue.buffered());
    },
    close() {
      for (const queue of queues) queue.close();
    },
  };
}
