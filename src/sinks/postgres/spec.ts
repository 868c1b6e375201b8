import type { SinkSpec } from '../types.ts';

export const postgresSpec = {
  name: 'postgres',
  description:
    'PostgreSQL tables stock_bars, stock_indicators, stock_alerts (upserts; run `stockstream migrate up` first)',
  example: 'stockstream consume --sinks postgres',
  kinds: 'bars, indicators, alerts',
  service: 'postgres',
  load: async () => (await import('./postgres.ts')).postgresSink,
} as const satisfies SinkSpec;
