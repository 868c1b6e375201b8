/**
 * Hands each batch of outputs to the sink queues that accept them and dead letters to the DLQ
 * queue, and knows how far every queue has got: `marks()` taken together with a checkpoint are what
 * must be written before that checkpoint's offsets may be committed.
 */
import type { OutgoingMessage } from '../kafka/publisher.ts';
import type { WindowOutput } from '../model.ts';
import type { Sink } from '../sinks/types.ts';
import type { ConsumeMetrics } from './metrics.ts';
import type { SinkQueue } from './sink-queue.ts';

export interface SinkLane {
  sink: Sink;
  queue: SinkQueue<WindowOutput>;
}

export interface Router {
  route(outputs: readonly WindowOutput[], deadLetters: OutgoingMessage[]): void;
  /** Whether any sink stores ticks (else the engine does not emit them). */
  readonly wantsTicks: boolean;
  /** How far each queue must get: one entry per sink, then the DLQ. */
  marks(): number[];
  whenWritten(marks: readonly number[]): Promise<void>;
  /** A queue over its bound: time to pause fetching. */
  full(): boolean;
  /** Every queue at most half full: fetching may resume. */
  roomy(): boolean;
  updateGauges(): void;
}

const SAMPLE_TICK: WindowOutput = { kind: 'tick', tick: { symbol: 'X', time: 1, price: 1, source: 'sample' } };

export function createRouter(lanes: readonly SinkLane[], dlq: SinkQueue<OutgoingMessage>, metrics: ConsumeMetrics, maxBuffered: number): Router {
  const queues: Array<SinkQueue<unknown>> = [...lanes.map((lane) => lane.queue as SinkQueue<unknown>), dlq as SinkQueue<unknown>];

  const count = (outputs: readonly WindowOutput[]) => {
    let bars = 0;
    let indicators = 0;
    let alerts = 0;
    let interim = 0;
    for (const output of outputs) {
      if (output.kind === 'bar') {
        if (output.bar.final) {
          bars++;
          metrics.windowsClosed.inc({ interval: output.bar.interval });
        } else interim++;
      } else if (output.kind === 'indicator') indicators++;
      else if (output.kind === 'alert') alerts++;
    }
    if (bars) metrics.outputs.inc({ kind: 'bar' }, bars);
    if (interim) metrics.outputs.inc({ kind: 'interim-bar' }, interim);
    if (indicators) metrics.outputs.inc({ kind: 'indicator' }, indicators);
    if (alerts) metrics.outputs.inc({ kind: 'alert' }, alerts);
  };

  return {
    wantsTicks: lanes.some((lane) => lane.sink.accepts(SAMPLE_TICK)),
    route(outputs, deadLetters) {
      if (outputs.length > 0) {
        count(outputs);
        for (const { sink, queue } of lanes) queue.enqueue(outputs.filter((output) => sink.accepts(output)));
      }
      if (deadLetters.length > 0) {
        dlq.enqueue(deadLetters);
        metrics.deadLetters.inc(deadLetters.length);
      }
    },
    marks: () => queues.map((queue) => queue.appended()),
    async whenWritten(marks) {
      await Promise.all(queues.map((queue, i) => queue.whenWritten(marks[i] ?? 0)));
    },
    full: () => queues.some((queue) => queue.full()),
    roomy: () => queues.every((queue) => queue.buffered() <= maxBuffered / 2),
    updateGauges() {
      for (const queue of queues) metrics.buffered.set({ sink: queue.name }, queue.buffered());
    },
  };
}
