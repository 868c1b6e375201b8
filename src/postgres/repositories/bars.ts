/** Bars from the consume sink, upserted on (symbol, interval, start_time). */
import type { Bar } from '../../model.ts';
import { defineUpsert, isoTime } from './recordset.ts';

export const upsertBars = defineUpsert<Bar>(
  {
    table: 'stock_bars',
    columns: [
      { name: 'symbol', type: 'text' },
      { name: 'interval', type: 'text' },
      { name: 'start_time', type: 'timestamptz' },
      { name: 'end_time', type: 'timestamptz' },
      { name: 'open', type: 'numeric' },
      { name: 'high', type: 'numeric' },
      { name: 'low', type: 'numeric' },
      { name: 'close', type: 'numeric' },
      { name: 'volume', type: 'numeric' },
      { name: 'vwap', type: 'numeric' },
      { name: 'ticks', type: 'integer' },
      { name: 'final', type: 'boolean' },
    ],
    key: ['symbol', 'interval', 'start_time'],
    touched: 'updated_at',
    // An interim update that arrives after the final bar (a redelivery) must not reopen it.
    updateWhen: 'excluded.final or not stock_bars.final',
  },
  (bar) => ({
    symbol: bar.symbol,
    interval: bar.interval,
    start_time: isoTime(bar.start),
    end_time: isoTime(bar.end),
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    vwap: bar.vwap,
    ticks: bar.ticks,
    final: bar.final,
  }),
);
