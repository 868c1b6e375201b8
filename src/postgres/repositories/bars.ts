/** Bars from the consume sink, upserted on (symbol, interval, start_time), never backwards in the stream. */
import type { Bar, StreamPosition } from '../../model.ts';
import { defineUpsert, isoTime } from './recordset.ts';

/** A bar and, from `consume`, the stream position it was emitted at. */
export interface PositionedBar {
  bar: Bar;
  position?: StreamPosition;
}

export const upsertBars = defineUpsert<PositionedBar>(
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
      { name: 'stream_source', type: 'text' },
      { name: 'stream_offset', type: 'bigint' },
    ],
    key: ['symbol', 'interval', 'start_time'],
    touched: 'updated_at',
    // An interim update that arrives after the final bar (a redelivery) must not reopen it, and a
    // bar from an older position of the same partition must not replace a newer one (migration 004).
    updateWhen: [
      '(excluded.final or not stock_bars.final)',
      'and (excluded.stream_offset is null or stock_bars.stream_offset is null or excluded.stream_source is distinct from stock_bars.stream_source',
      '  or excluded.stream_offset >= stock_bars.stream_offset)',
    ].join('\n'),
  },
  ({ bar, position }) => ({
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
    stream_source: position?.source ?? null,
    stream_offset: position?.offset ?? null,
  }),
);
