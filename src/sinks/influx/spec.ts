import type { SinkSpec } from '../types.ts';

export const influxSpec = {
  name: 'influx',
  description: 'InfluxDB points: ticks, bars, indicators, alerts (measurements from influx.measurements)',
  example: 'stockstream consume --sinks influx',
  kinds: 'ticks (unless sinks.writeTicks is false), bars, indicators, alerts',
  service: 'influx',
  load: async () => (await import('./influx.ts')).influxSink,
} as const satisfies SinkSpec;
