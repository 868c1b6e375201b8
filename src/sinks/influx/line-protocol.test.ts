import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.ts';
import type { Alert, Bar, IndicatorPoint, Tick } from '../../model.ts';
import { createLineEncoder, escapeTag, quoteString } from './line-protocol.ts';

const m = configSchema.parse({}).influx.measurements;
const { line } = createLineEncoder(m);
const tickLine = (tick: Tick) => line({ kind: 'tick', tick });
const barLine = (bar: Bar) => line({ kind: 'bar', bar });
const indicatorLine = (point: IndicatorPoint) => line({ kind: 'indicator', point });
const alertLine = (alert: Alert) => line({ kind: 'alert', alert });

describe('line protocol', () => {
  it('writes a tick keyed by symbol at its event time, leaving out unknown fields', () => {
    const tick: Tick = { symbol: 'AAPL', time: 1_767_625_860_123, price: 190.5, dayVolume: 1_200, bid: 190.49, source: 'synthetic' };
    expect(tickLine(tick)).toBe('stock_ticks,symbol=AAPL price=190.5,day_volume=1200,bid=190.49 1767625860123');
  });

  it('writes a bar at its start with an integer tick count and a boolean final', () => {
    const bar: Bar = { symbol: 'BRK-B', interval: '1m', start: 60_000, end: 120_000, open: 1, high: 2.5, low: 0.5, close: 2, volume: 300, vwap: 1.75, ticks: 7, final: true };
    expect(barLine(bar)).toBe('stock_bars,interval=1m,symbol=BRK-B open=1,high=2.5,low=0.5,close=2,volume=300,vwap=1.75,ticks=7i,final=true 60000');
  });

  it('writes one field per indicator value plus the trend, and nothing for an empty point', () => {
    const point: IndicatorPoint = { symbol: 'MSFT', interval: '5m', time: 300_000, values: { sma_20: 410.25, rsi_14: 55.5 }, trend: 'up' };
    expect(indicatorLine(point)).toBe('stock_indicators,interval=5m,symbol=MSFT sma_20=410.25,rsi_14=55.5,trend="up" 300000');
    expect(indicatorLine({ ...point, values: {}, trend: undefined })).toBeUndefined();
  });

  it('escapes tag values and quotes string fields', () => {
    const alert: Alert = {
      symbol: '^GSPC',
      rule: 'drop 2%, fast=yes',
      type: 'price-change',
      severity: 'warning',
      interval: '1m',
      time: 60_000,
      message: 'fell "hard" \\ fast',
      value: -2.5,
      threshold: 2,
    };
    expect(alertLine(alert)).toBe(
      'stock_alerts,interval=1m,rule=drop\\ 2%\\,\\ fast\\=yes,severity=warning,symbol=^GSPC,type=price-change message="fell \\"hard\\" \\\\ fast",value=-2.5,threshold=2 60000',
    );
    expect(escapeTag('a b,c=d')).toBe('a\\ b\\,c\\=d');
    expect(quoteString('line\nbreak')).toBe('"line\\nbreak"');
  });

  it('escapes a repeated tag value the same way every time', () => {
    const alert = { symbol: 'A B', rule: 'r', type: 'volatility', severity: 'info', interval: '1m', time: 1, message: 'm', value: 1, threshold: 1 } as const;
    expect(alertLine(alert)).toBe(alertLine(alert));
    expect(alertLine(alert)).toContain(',symbol=A\\ B,');
  });

  it('drops non-finite numbers InfluxDB would reject', () => {
    const point: IndicatorPoint = { symbol: 'X', interval: '1m', time: 1, values: { a: Number.NaN, b: 2 } };
    expect(line({ kind: 'indicator', point })).toBe('stock_indicators,interval=1m,symbol=X b=2 1');
  });

  it('uses the configured measurement names', () => {
    const custom = createLineEncoder({ ...m, ticks: 'my ticks' });
    expect(custom.line({ kind: 'tick', tick: { symbol: 'X', time: 5, price: 1, source: 's' } })).toBe('my\\ ticks,symbol=X price=1 5');
  });
});
