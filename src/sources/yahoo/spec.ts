import type { SchemaKit } from '../../config/section.ts';
import type { SourceSpec } from '../types.ts';

export const yahooSpec = {
  name: 'yahoo',
  description:
    'polls Yahoo Finance quotes (≤100 symbols per request) and publishes what changed; sleeps while the market is closed',
  example: 'stockstream produce --symbols AAPL,MSFT --interval 2s',
  service: 'yahoo',
  config: {
    key: 'yahoo',
    schema: ({ z, duration }: SchemaKit) =>
      z
        .object({
          interval: duration('Time between two quote polls.').prefault('2s'),
          batchSize: z
            .number()
            .int()
            .min(1)
            .max(100)
            .default(100)
            .describe('Symbols per quote request (Yahoo fails above ~100).'),
        })
        .prefault({}),
  },
  load: async () => (await import('./yahoo.ts')).yahooSource,
} as const satisfies SourceSpec;
