/** Indicator points from the consume sink, upserted on (symbol, interval, time). */
import type { IndicatorPoint } from '../../model.ts';
import { defineUpsert, isoTime } from './recordset.ts';

export const upsertIndicators = defineUpsert<IndicatorPoint>(
  {
    table: 'stock_indicators',
    columns: [
      { name: 'symbol', type: 'text' },
      { name: 'interval', type: 'text' },
      { name: 'time', type: 'timestamptz' },
      { name: 'values', type: 'jsonb' },
      { name: 'trend', type: 'text' },
    ],
    key: ['symbol', 'interval', 'time'],
    touched: 'updated_at',
  },
  (point) => ({
    symbol: point.symbol,
    interval: point.interval,
    time: isoTime(point.time),
    values: point.values,
    trend: point.trend ?? null,
  }),
);
