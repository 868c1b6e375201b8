import { sinkNames } from '../../sinks/catalog.ts';
import { kafkaOptions, metricsOptions } from '../options.ts';
import { defineOptions, type FlagsOf, type LeafCommandSpec } from '../spec.ts';

export const consumeOptions = defineOptions({
  sinks: { flags: '--sinks <list>', description: `comma-separated sinks: ${sinkNames.join(', ')}` },
  group: { flags: '--group <id>', description: 'consumer group id (default: kafka.groupId)' },
  topic: { flags: '--topic <name>', description: 'Kafka topic to read (default: kafka.topics.prices)' },
  brokers: kafkaOptions.brokers,
  intervals: { flags: '--intervals <list>', description: 'bar intervals, like 1m,5m,1h' },
  file: { flags: '--file <path>', description: 'file sink: NDJSON output path' },
  ...metricsOptions,
  info: { flags: '--info', description: 'also persist the stock-general-information topic into PostgreSQL' },
  connectTimeout: kafkaOptions.connectTimeout,
});

export type ConsumeFlags = FlagsOf<typeof consumeOptions>;

export const consumeCommand: LeafCommandSpec = {
  name: 'consume',
  description: 'turn ticks from Kafka into bars, indicators and alerts, and write them to sinks',
  options: consumeOptions,
  graceful: true,
  examples: [
    'stockstream consume',
    'stockstream consume --sinks influx,postgres,console --intervals 1m,5m,1h',
    'stockstream consume --json --sinks console | jq .',
    'stockstream consume --metrics-port 9464',
  ],
  load: () => import('./run.ts'),
};
