/**
 * The consumer's Prometheus metrics (prom-client), served by src/metrics/server.ts with
 * `--metrics-port`. Counters are bumped once per batch, never per message, to keep the hot path lean.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeliveryMetrics } from '../delivery/metrics.ts';
import { createRegistry } from '../metrics/registry.ts';

export interface ConsumeMetrics {
  registry: Registry;
  ticks: Counter;
  invalid: Counter;
  late: Counter;
  future: Counter;
  failed: Counter;
  deadLetters: Counter;
  windowsClosed: Counter<'interval'>;
  outputs: Counter<'kind'>;
  lag: Gauge<'topic' | 'partition'>;
  buffered: Gauge<'sink'>;
  paused: Gauge;
  sinkWrite: Histogram<'sink'>;
  sinkRetries: Counter<'sink'>;
  checkpoints: Counter;
}

export function createConsumeMetrics(): ConsumeMetrics {
  const registry = createRegistry('consume');
  const registers = [registry];
  const metrics: ConsumeMetrics = {
    registry,
    ticks: new Counter({ name: 'stockstream_ticks_consumed_total', help: 'Ticks applied to the windows.', registers }),
    invalid: new Counter({
      name: 'stockstream_invalid_messages_total',
      help: 'Messages that did not decode (sent to the DLQ).',
      registers,
    }),
    late: new Counter({
      name: 'stockstream_late_ticks_total',
      help: 'Ticks that arrived after their window closed (sent to the DLQ).',
      registers,
    }),
    future: new Counter({
      name: 'stockstream_future_ticks_total',
      help: 'Ticks stamped beyond windows.maxFutureSkew ahead of the clock (sent to the DLQ).',
      registers,
    }),
    failed: new Counter({
      name: 'stockstream_failed_messages_total',
      help: 'Messages whose processing threw unexpectedly (sent to the DLQ, stage process).',
      registers,
    }),
    deadLetters: new Counter({
      name: 'stockstream_dlq_messages_total',
      help: 'Messages written to the dead-letter topic.',
      registers,
    }),
    windowsClosed: new Counter({
      name: 'stockstream_windows_closed_total',
      help: 'Final bars emitted.',
      labelNames: ['interval'],
      registers,
    }),
    outputs: new Counter({
      name: 'stockstream_outputs_total',
      help: 'Outputs emitted by the windows.',
      labelNames: ['kind'],
      registers,
    }),
    lag: new Gauge({
      name: 'stockstream_consumer_lag',
      help: 'Messages between the last applied offset and the end of the partition.',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    buffered: new Gauge({
      name: 'stockstream_sink_buffered',
      help: 'Outputs waiting for a sink.',
      labelNames: ['sink'],
      registers,
    }),
    paused: new Gauge({
      name: 'stockstream_consumer_paused',
      help: '1 while fetching is paused because a sink buffer is full.',
      registers,
    }),
    sinkWrite: new Histogram({
      name: 'stockstream_sink_write_seconds',
      help: 'Duration of one successful sink write.',
      labelNames: ['sink'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    sinkRetries: new Counter({
      name: 'stockstream_sink_retries_total',
      help: 'Failed sink writes that were retried.',
      labelNames: ['sink'],
      registers,
    }),
    checkpoints: new Counter({
      name: 'stockstream_checkpoints_total',
      help: 'State checkpoints written and committed.',
      registers,
    }),
  };
  return metrics;
}

/** Delivery's reports (src/delivery/) as the consumer's Prometheus series. */
export function deliveryMetrics(metrics: ConsumeMetrics): DeliveryMetrics {
  return {
    routed(outputs) {
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
    },
    deadLettered: (count) => metrics.deadLetters.inc(count),
    written: (sink, seconds) => metrics.sinkWrite.observe({ sink }, seconds),
    retried: (sink) => metrics.sinkRetries.inc({ sink }),
    buffered: (sink, count) => metrics.buffered.set({ sink }, count),
  };
}
