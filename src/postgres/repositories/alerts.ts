/** Alerts from the consume sink, upserted on (symbol, rule, time); created_at keeps the first write. */
import type { Alert } from '../../model.ts';
import { defineUpsert, isoTime } from './recordset.ts';

export const upsertAlerts = defineUpsert<Alert>(
  {
    table: 'stock_alerts',
    columns: [
      { name: 'symbol', type: 'text' },
      { name: 'rule', type: 'text' },
      { name: 'time', type: 'timestamptz' },
      { name: 'type', type: 'text' },
      { name: 'severity', type: 'text' },
      { name: 'interval', type: 'text' },
      { name: 'message', type: 'text' },
      { name: 'value', type: 'numeric' },
      { name: 'threshold', type: 'numeric' },
    ],
    key: ['symbol', 'rule', 'time'],
  },
  (alert) => ({
    symbol: alert.symbol,
    rule: alert.rule,
    time: isoTime(alert.time),
    type: alert.type,
    severity: alert.severity,
    interval: alert.interval,
    message: alert.message,
    value: alert.value,
    threshold: alert.threshold,
  }),
);
