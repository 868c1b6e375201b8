import type { SchemaKit } from '../../config/section.ts';
import type { SourceSpec } from '../types.ts';

export const syntheticSpec = {
  name: 'synthetic',
  description:
    'seeded random walk with NYSE sessions and growing day volume, at a target rate; for demos and load tests',
  example: 'stockstream produce --source synthetic --symbols AAPL,MSFT --rate 1000 --limit 5000',
  config: {
    key: 'synthetic',
    schema: ({ z }: SchemaKit) =>
      z
        .object({
          rate: z.number().positive().default(10).describe('Ticks per second over all symbols.'),
          seed: z.number().int().default(42),
          volatility: z.number().positive().default(0.3).describe('Annualised volatility of the random walk.'),
          start: z
            .string()
            .datetime({ offset: true })
            .optional()
            .describe('Event time of the first tick; now when left out.'),
          limit: z.number().int().positive().optional().describe('Stop after this many ticks.'),
        })
        .prefault({}),
  },
  load: async () => (await import('./synthetic.ts')).syntheticSource,
} as const satisfies SourceSpec;
