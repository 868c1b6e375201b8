import type { SinkSpec } from '../types.ts';

export const consoleSpec = {
  name: 'console',
  description: 'a live table on a terminal, NDJSON with --json, plain lines otherwise',
  example: 'stockstream consume --json --sinks console | jq .',
  kinds: 'final bars, indicators, alerts (the terminal table also shows ticks and open bars)',
  notInWatch: 'the live table is the console',
  load: async () => (await import('./console.ts')).consoleSink,
} as const satisfies SinkSpec;
