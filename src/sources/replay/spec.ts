import type { SchemaKit } from '../../config/section.ts';
import type { SourceSpec } from '../types.ts';

export const replaySpec = {
  name: 'replay',
  description:
    'replays an NDJSON or CSV file of ticks or bars (like one written by --record) at the original pace × speed',
  example: 'stockstream produce --source replay --file session.ndjson --speed 10',
  config: {
    key: 'replay',
    schema: ({ z }: SchemaKit) =>
      z
        .object({
          file: z.string().min(1).optional().describe('NDJSON or CSV file of ticks or bars.'),
          speed: z.number().min(0).default(0).describe('Pace multiplier; 0 replays as fast as possible.'),
        })
        .prefault({}),
  },
  load: async () => (await import('./replay.ts')).replaySource,
} as const satisfies SourceSpec;
