import type { SinkSpec } from '../types.ts';

export const kafkaSpec = {
  name: 'kafka',
  description: 'Kafka topics kafka.topics.bars / indicators / alerts, keyed by symbol',
  example: 'stockstream consume --sinks influx,kafka',
  kinds: 'final bars, indicators, alerts',
  service: 'kafka',
  notInWatch: 'it needs the consume engine (use stockstream consume --sinks kafka)',
  topics: (config: { kafka: { topics: Record<string, string> } }) => {
    const { bars, indicators, alerts } = config.kafka.topics;
    return [{ topic: bars! }, { topic: indicators! }, { topic: alerts! }];
  },
  load: async () => (await import('./kafka.ts')).kafkaSink,
} as const satisfies SinkSpec;
