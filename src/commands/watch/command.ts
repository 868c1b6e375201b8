import { sourceOptions } from '../options.ts';
import { defineOptions, type FlagsOf, type LeafCommandSpec } from '../spec.ts';

export const watchOptions = defineOptions({
  ...sourceOptions,
  interval: { flags: '--interval <bar>', description: 'bar size for the sparkline and indicators', default: '1m' },
  sort: { flags: '--sort <field>', description: 'symbol, change, volume, price', default: 'symbol' },
  bars: { flags: '--bars <n>', description: 'bars in the sparkline', default: '20' },
  sink: { flags: '--sink', description: 'also write to the configured sinks' },
  limit: { flags: '--limit <n>', description: 'stop after this many ticks' },
  web: { flags: '--web', description: 'also serve live charts on 127.0.0.1 (the port is in the log line)' },
  port: { flags: '--port <n>', description: 'with --web: the port (default 8080; 0 = any free one)' },
  open: { flags: '--open', description: 'with --web: open the page in the browser' },
});

/** What the handler receives: the options and the symbols argument. */
export type WatchCommandFlags = FlagsOf<typeof watchOptions> & { symbols: string[] };

export const watchCommand: LeafCommandSpec = {
  name: 'watch',
  description: 'a live table of prices, bars, indicators and alerts in the terminal — no servers needed',
  arguments: [{ syntax: '[symbols...]', key: 'symbols', description: 'tickers (default: config symbols)' }],
  options: watchOptions,
  graceful: true,
  examples: [
    'stockstream watch AAPL MSFT NVDA',
    'stockstream watch --web --open AAPL MSFT',
    'stockstream watch --source synthetic AAPL MSFT',
    'stockstream watch --source replay --file session.ndjson --speed 20',
  ],
  load: () => import('./run.ts'),
};
