import type { SchemaKit } from '../../config/section.ts';
import type { SourceSpec } from '../types.ts';

export const yahooStreamSpec = {
  name: 'yahoo-stream',
  description: "Yahoo's websocket streamer: every trade as it happens; reconnects and fills gaps from 1m bars",
  example: 'stockstream produce --source yahoo-stream --symbols AAPL,MSFT --backfill 2d',
  service: 'yahoo',
  config: {
    key: 'yahooStream',
    schema: ({ z, duration }: SchemaKit) =>
      z
        .object({
          url: z.string().url().default('wss://streamer.finance.yahoo.com/?version=2'),
          resubscribeEvery: duration('Re-send the subscription this often.').prefault('60s'),
        })
        .prefault({}),
  },
  load: async () => (await import('./yahoo-stream.ts')).yahooStreamSource,
} as const satisfies SourceSpec;
