/**
 * `produce`'s Prometheus metrics: what a scrape needs to tell a healthy producer from a stuck one —
 * ticks published per source, how long Kafka takes to acknowledge a request, sends retried while
 * the broker was away, and what the sources reported as going wrong.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { createRegistry } from '../metrics/registry.ts';

export interface ProduceMetrics {
  registry: Registry;
  published: Counter<'source'>;
  deadLettered: Counter<'source'>;
  sendSeconds: Histogram;
  sendRetries: Counter;
  sourceErrors: Counter<'source'>;
}

export function createProduceMetrics(): ProduceMetrics {
  const registry = createRegistry('produce');
  const registers = [registry];
  return {
    registry,
    published: new Counter({
      name: 'stockstream_ticks_published_total',
      help: 'Ticks handed to Kafka.',
      labelNames: ['source'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'stockstream_produce_dlq_messages_total',
      help: 'Ticks and input lines sent to the dead-letter topic.',
      labelNames: ['source'],
      registers,
    }),
    sendSeconds: new Histogram({
      name: 'stockstream_kafka_send_seconds',
      help: 'Time from sending one produce request to its acknowledgement (acks=all).',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    sendRetries: new Counter({
      name: 'stockstream_kafka_send_retries_total',
      help: 'Produce requests sent again because the broker was away.',
      registers,
    }),
    sourceErrors: new Counter({
      name: 'stockstream_source_errors_total',
      help: 'Problems a source reported (failed polls, rate limits, reconnects, rejected input).',
      labelNames: ['source'],
      registers,
    }),
  };
}
