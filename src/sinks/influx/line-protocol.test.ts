import fc from 'fast-check';
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
    const tick: Tick = {
      symbol: 'AAPL',
      time: 1_767_625_860_123,
      price: 190.5,
      dayVolume: 1_200,
      bid: 190.49,
      source: 'synthetic',
    };
    expect(tickLine(tick)).toBe('stock_ticks,symbol=AAPL price=190.5,day_volume=1200,bid=190.49 1767625860123');
  });

  it('writes a bar at its start with an integer tick count and a boolean final', () => {
    const bar: Bar = {
      symbol: 'BRK-B',
      interval: '1m',
      start: 60_000,
      end: 120_000,
      open: 1,
      high: 2.5,
      low: 0.5,
      close: 2,
      volume: 300,
      vwap: 1.75,
      ticks: 7,
      final: true,
    };
    expect(barLine(bar)).toBe(
      'stock_bars,interval=1m,symbol=BRK-B open=1,high=2.5,low=0.5,close=2,volume=300,vwap=1.75,ticks=7i,final=true 60000',
    );
  });

  it('writes one field per indicator value plus the trend, and nothing for an empty point', () => {
    const point: IndicatorPoint = {
      symbol: 'MSFT',
      interval: '5m',
      time: 300_000,
      values: { sma_20: 410.25, rsi_14: 55.5 },
      trend: 'up',
    };
    expect(indicatorLine(point)).toBe(
      'stock_indicators,interval=5m,symbol=MSFT sma_20=410.25,rsi_14=55.5,trend="up" 300000',
    );
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
    const alert = {
      symbol: 'A B',
      rule: 'r',
      type: 'volatility',
      severity: 'info',
      interval: '1m',
      time: 1,
      message: 'm',
      value: 1,
      threshold: 1,
    } as const;
    expect(alertLine(alert)).toBe(alertLine(alert));
    expect(alertLine(alert)).toContain(',symbol=A\\ B,');
  });

  it('drops non-finite numbers InfluxDB would reject', () => {
    const point: IndicatorPoint = { symbol: 'X', interval: '1m', time: 1, values: { a: Number.NaN, b: 2 } };
    expect(line({ kind: 'indicator', point })).toBe('stock_indicators,interval=1m,symbol=X b=2 1');
  });

  it('uses the configured measurement names', () => {
    const custom = createLineEncoder({ ...m, ticks: 'my ticks' });
    expect(custom.line({ kind: 'tick', tick: { symbol: 'X', time: 5, price: 1, source: 's' } })).toBe(
      'my\\ ticks,symbol=X price=1 5',
    );
  });
});

/**
 * The tick line is built piece by piece with a per-symbol prefix (the hot path); against a naive
 * reference written from the line-protocol rules here (fast-check; seed printed, FC_SEED replays).
 */
describe('tick lines (property-based)', () => {
  const SEED = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED);
  console.log(`tick line properties: FC_SEED=${SEED}`);

  const naive = (measurement: string, tick: Tick): string => {
    const escape = (text: string, special: RegExp) =>
      [...text].map((ch) => (special.test(ch) ? `\\${ch}` : ch)).join('');
    const fields = [
      ['price', tick.price],
      ['day_volume', tick.dayVolume],
      ['bid', tick.bid],
      ['ask', tick.ask],
      ['size', tick.size],
      ['previous_close', tick.previousClose],
    ]
      .filter(([, value]) => typeof value === 'number' && Number.isFinite(value))
      .map(([key, value]) => `${key}=${String(value)}`);
    return `${escape(measurement, /[, \\]/)},symbol=${escape(tick.symbol, /[,= \\]/)} ${fields.join(',')} ${tick.time}`;
  };
  const optional = fc.option(
    fc.oneof(fc.double({ min: 0, max: 1e15 }), fc.integer({ min: 0 }), fc.constantFrom(Number.NaN, Infinity, -0)),
    { nil: undefined },
  );

  it('equal the naive reference, for any symbol, measurement and optional fields, and stay the same for a symbol seen before', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('stock_ticks', 'my ticks', 'a,b\\c'),
        fc.array(
          fc.record(
            {
              symbol: fc.oneof(
                fc.constantFrom('AAPL', 'BRK-B', 'A B', 'C,D', 'E=F', 'G\\H', 'Ä'),
                fc.string({ minLength: 1, maxLength: 6 }),
              ),
              time: fc.integer({ min: 1, max: 7_258_118_400_000 }),
              price: fc.double({ min: 1e-12, max: 1e12, noNaN: true }),
              source: fc.constant('synthetic'),
              dayVolume: optional,
              bid: optional,
              ask: optional,
              size: optional,
              previousClose: optional,
            },
            { requiredKeys: ['symbol', 'time', 'price', 'source'] },
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (measurement, ticks) => {
          const encoder = createLineEncoder({ ...m, ticks: measurement });
          for (const tick of [...ticks, ...ticks])
            expect(encoder.line({ kind: 'tick', tick })).toBe(naive(measurement, tick));
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });
});
