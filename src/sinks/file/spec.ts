import type { SchemaKit } from '../../config/section.ts';
import type { SinkSpec } from '../types.ts';

export const fileSpec = {
  name: 'file',
  description: 'NDJSON of every output, appended to sinks.file.path (--file)',
  example: 'stockstream consume --sinks file --file out.ndjson',
  kinds: 'ticks (unless sinks.writeTicks is false), bars, indicators, alerts',
  config: {
    key: 'file',
    schema: ({ z }: SchemaKit) => z.object({ path: z.string().default('stockstream-output.ndjson') }).prefault({}),
  },
  load: async () => (await import('./file.ts')).fileSink,
} as const satisfies SinkSpec;
