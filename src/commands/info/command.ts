import { symbolsOption } from '../options.ts';
import { defineOptions, type FlagsOf, type GroupCommandSpec } from '../spec.ts';

export const infoSyncOptions = defineOptions({
  ...symbolsOption,
  to: { flags: '--to <targets>', description: 'postgres, kafka, or postgres,kafka', default: 'postgres' },
});
export type InfoSyncOptions = FlagsOf<typeof infoSyncOptions>;

export const infoListOptions = defineOptions({
  sector: { flags: '--sector <name>', description: 'only this sector' },
  industry: { flags: '--industry <name>', description: 'only this industry' },
  sort: { flags: '--sort <field>', description: 'symbol, marketCap, trailingPE, forwardPE, name', default: 'symbol' },
  limit: { flags: '--limit <n>', description: 'at most this many rows' },
});
export type InfoListOptions = FlagsOf<typeof infoListOptions>;

export const infoCommand: GroupCommandSpec = {
  name: 'info',
  description: 'stock metadata: sync from Yahoo into PostgreSQL/Kafka, show and list it',
  subcommands: [
    {
      name: 'sync',
      description: 'fetch name, sector, market cap, P/E, 52-week range… and store it (safe for cron)',
      options: infoSyncOptions,
      examples: [
        'stockstream info sync',
        'stockstream info sync --symbols AAPL,MSFT --to postgres,kafka',
        'stockstream info sync --quiet   # from cron',
      ],
      load: () => import('./sync.ts'),
    },
    {
      name: 'show',
      description: 'print the stored metadata of one symbol',
      arguments: [{ syntax: '<symbol>', key: 'symbol', description: 'ticker, like AAPL' }],
      examples: ['stockstream info show AAPL', 'stockstream --json info show AAPL'],
      load: () => import('./show.ts'),
    },
    {
      name: 'list',
      description: 'a table of stored metadata',
      options: infoListOptions,
      examples: ['stockstream info list', 'stockstream info list --sector Technology --sort marketCap'],
      load: () => import('./list.ts'),
    },
  ],
};
