import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.ts';
import type { Alert, Bar, IndicatorPoint, Tick, WindowOutput } from '../../model.ts';
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

/**
 * A body writes a symbol's previous close on its first tick of each minute and when it changes;
 * checked against a reader written here from what the dashboards rely on: walking the stored lines
 * in order, every tick's previous close is the last one stored for its symbol, and every minute of
 * a symbol's ticks stores one. Bodies that fail are retried after `unwritten`, as the sink does.
 */
describe('previous close in request bodies (property-based)', () => {
  const SEED = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED);
  console.log(`previous close properties: FC_SEED=${SEED}`);
  const CLOSE = /,previous_close=([^ ,]+)/;
  const symbolOf = (text: string) => /,symbol=(\S+) /.exec(text)![1]!;

  const tick = (symbol: string, time: number, previousClose?: number): WindowOutput => ({
    kind: 'tick',
    tick: { symbol, time, price: 10, source: 's', ...(previousClose === undefined ? {} : { previousClose }) },
  });

  it('keeps every tick line whole but for the previous close, and loses no close when bodies fail and are retried', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            symbol: fc.constantFrom('AAPL', 'MSFT', 'A B'),
            step: fc.integer({ min: 0, max: 40_000 }),
            close: fc.option(fc.constantFrom(100, 101.5, Number.NaN), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        (draws, sizes, failures) => {
          // Each symbol's ticks in time order, as one Kafka partition delivers a symbol.
          const clock = new Map<string, number>();
          const outputs = draws.map(({ symbol, step, close }) => {
            const time = (clock.get(symbol) ?? 1_767_625_800_000) + step;
            clock.set(symbol, time);
            return tick(symbol, time, close);
          });
          const encoder = createLineEncoder(m);
          const stored: string[] = [];
          for (let start = 0, i = 0; start < outputs.length; i++) {
            const batch = outputs.slice(start, (start += sizes[i % sizes.length]!));
            if (failures[i % failures.length]) {
              encoder.body(batch); // sent, not stored
              encoder.unwritten(batch);
            }
            stored.push(...encoder.body(batch).split('\n'));
          }
          expect(stored).toHaveLength(outputs.length);
          const last = new Map<string, number>();
          const minutes = new Set<string>();
          outputs.forEach((output, i) => {
            const text = stored[i]!;
            const full = encoder.line(output)!;
            expect(text.replace(CLOSE, '')).toBe(full.replace(CLOSE, ''));
            const written = CLOSE.exec(text);
            if (written) {
              expect(written[0]).toBe(CLOSE.exec(full)![0]);
              last.set(symbolOf(text), Number(written[1]));
            }
            const { symbol, time, previousClose } = output.kind === 'tick' ? output.tick : ({} as never);
            if (previousClose === undefined || !Number.isFinite(previousClose)) return;
            expect(last.get(symbolOf(text))).toBe(previousClose);
            const minute = `${symbol} ${Math.floor(time / 60_000)}`;
            if (written) minutes.add(minute);
            expect(minutes.has(minute)).toBe(true);
          });
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });

  it('writes the close again for a failed body even when a later body was stored in between', () => {
    const encoder = createLineEncoder(m);
    const first = [tick('AAPL', 1_000, 100)];
    const second = [tick('AAPL', 2_000, 100)];
    expect(encoder.body(first)).toContain('previous_close=100');
    expect(encoder.body(second)).not.toContain('previous_close'); // in flight alongside the first
    encoder.unwritten(first); // the first failed; the second was stored
    expect(encoder.body(first)).toContain('previous_close=100');
  });

  it('writes the close on the first tick of the next minute and on a new session', () => {
    const encoder = createLineEncoder(m);
    const body = encoder.body([
      tick('AAPL', 60_000, 100),
      tick('AAPL', 60_500, 100),
      tick('AAPL', 119_999, 100),
      tick('AAPL', 120_000, 100),
      tick('AAPL', 120_001, 102),
      tick('MSFT', 120_002, 100),
    ]);
    expect(body.split('\n').map((text) => CLOSE.exec(text)?.[1])).toEqual([
      '100',
      undefined,
      undefined,
      '100',
      '102',
      '100',
    ]);
  });
});
