import { defineOptions, type LeafCommandSpec } from '../spec.ts';

export const tailOptions = defineOptions({
  fromBeginning: { flags: '--from-beginning', description: 'start at the oldest record' },
  since: { flags: '--since <when>', description: 'start at this long ago (10m) or at this time (2026-03-02T14:30)' },
  offset: {
    flags: '--offset <n>',
    description: 'start at this offset of --partition; negative: this many before the end of each partition',
  },
  follow: {
    flags: '--follow',
    description: 'keep printing new records until Ctrl-C (the default on a terminal)',
    negation: 'stop at the end of the topic as it was at the start',
  },
  count: { flags: '--count <n>', description: 'stop after this many records' },
  symbol: { flags: '--symbol <list>', description: 'only these keys, like AAPL,MSFT' },
  partition: { flags: '--partition <list>', description: 'only these partitions, like 0 or 0,2' },
});

export const tailCommand: LeafCommandSpec = {
  name: 'tail',
  description: 'print the records of a topic — without joining or committing for any consumer group',
  arguments: [
    {
      syntax: '[what]',
      key: 'what',
      description: 'prices (default), bars, indicators, alerts, info, dlq, info-dlq, or a topic name',
    },
  ],
  options: tailOptions,
  examples: [
    'stockstream tail',
    'stockstream tail bars --symbol AAPL --since 30m',
    'stockstream tail dlq --from-beginning --no-follow',
    'stockstream --json tail --partition 0 --offset 100 --count 5 | jq .',
  ],
  load: () => import('./run.ts'),
};
