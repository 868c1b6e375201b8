import { defineOptions, type FlagsOf, type LeafCommandSpec } from '../spec.ts';

export const backtestOptions = defineOptions({
  file: { flags: '--file <path>', description: 'history from a replay file (NDJSON or CSV of ticks or bars)' },
  symbols: {
    flags: '-s, --symbols <list>',
    description: "with --from/--to: Yahoo's chart bars of these tickers (default: config symbols)",
  },
  from: { flags: '--from <time>', description: 'start of the Yahoo range, like 2026-03-02' },
  to: { flags: '--to <time>', description: 'end of the Yahoo range (exclusive)' },
  rules: { flags: '--rules <file>', description: 'YAML or JSON list of rules to try instead of windows.alerts.rules' },
  horizons: {
    flags: '--horizons <list>',
    description: 'forward-return horizons after each firing',
    default: '5m,30m,1d',
  },
});

export type BacktestFlags = FlagsOf<typeof backtestOptions>;

export const backtestCommand: LeafCommandSpec = {
  name: 'backtest',
  description: 'run the alert rules over history: every firing, counts, and the forward return after each',
  options: backtestOptions,
  examples: [
    'stockstream backtest --file session.ndjson',
    'stockstream backtest --symbols AAPL --from 2026-03-02 --to 2026-03-03 --rules try.yaml',
    'stockstream --json backtest --file session.ndjson',
  ],
  load: () => import('./run.ts'),
};
