import { kafkaOptions, metricsOptions, sourceOptions, symbolsOption } from '../options.ts';
import { defineOptions, type FlagsOf, type LeafCommandSpec } from '../spec.ts';

export const produceOptions = defineOptions({
  ...symbolsOption,
  source: sourceOptions.source,
  interval: { flags: '--interval <duration>', description: 'yahoo: time between quote polls, like 2s' },
  extendedHours: { flags: '--extended-hours', description: 'also publish pre- and post-market ticks' },
  backfill: {
    flags: '--backfill <duration>',
    description: 'first publish historical bars from this far back, like 2d',
  },
  backfillInterval: { flags: '--backfill-interval <interval>', description: 'bar size of the backfill: 1m, 2m, 5m…' },
  file: sourceOptions.file,
  speed: sourceOptions.speed,
  rate: sourceOptions.rate,
  seed: sourceOptions.seed,
  limit: { flags: '--limit <n>', description: 'stop after publishing this many ticks' },
  record: { flags: '--record <file>', description: 'also append every tick to this NDJSON file (replay it later)' },
  ...kafkaOptions,
  ...metricsOptions,
});

export type ProduceFlags = FlagsOf<typeof produceOptions>;

export const produceCommand: LeafCommandSpec = {
  name: 'produce',
  description: 'fetch prices from a source and publish them to Kafka, keyed by symbol',
  options: produceOptions,
  graceful: true,
  examples: [
    'stockstream produce --symbols AAPL,MSFT',
    'stockstream produce --source synthetic --symbols AAPL,MSFT --rate 1000',
    'stockstream produce --source yahoo-stream --backfill 2d',
    'stockstream produce --source replay --file session.ndjson --speed 10',
    'stockstream produce --record today.ndjson',
    'stockstream produce --metrics-port 9465',
  ],
  load: () => import('./run.ts'),
};
