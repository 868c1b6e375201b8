/**
 * The tick decoder is the consumer's front door: property-based tests (fast-check; a failure
 * prints its seed and the shrunk input) that no input gets past it unbounded or makes it throw
 * anything but a DecodeError, and regression tests of the edge values of issue 14.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeTick, SCHEMA_VERSION, TICK_LIMITS, TICK_OPTIONAL_NUMBERS, type Tick } from './model.ts';

/** Bounded runs: these are in `npm test`, so they must take well under a second each. */
const RUNS = { numRuns: 500 };

function decodeOrDecodeError(raw: Buffer | string): Tick | undefined {
  try {
    return decodeTick(raw);
  } catch (error) {
    if (error instanceof DecodeError) return undefined;
    throw error;
  }
}

function expectInRange(tick: Tick): void {
  expect(Number.isFinite(tick.time) && tick.time >= TICK_LIMITS.minTime && tick.time <= TICK_LIMITS.maxTime).toBe(true);
  expect(Number.isFinite(tick.price) && tick.price >= TICK_LIMITS.minPrice && tick.price <= TICK_LIMITS.maxPrice).toBe(
    true,
  );
  for (const key of TICK_OPTIONAL_NUMBERS) {
    const value = tick[key];
    if (value === undefined) continue;
    const max = key === 'dayVolume' || key === 'size' ? TICK_LIMITS.maxVolume : TICK_LIMITS.maxPrice;
    expect(Number.isFinite(value) && value >= 0 && value <= max, `${key} = ${value}`).toBe(true);
  }
  // Nothing derived from it can overflow or throw: the calendar needs a valid Date, the VWAP a finite product.
  expect(Number.isNaN(new Date(tick.time).getTime())).toBe(false);
  expect(Number.isFinite(tick.price * (tick.dayVolume ?? 0) * 1000)).toBe(true);
}

const numberish = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(9e15, 1e307, -0, 0, 1e-13, Number.MAX_SAFE_INTEGER),
  fc.string(),
  fc.constant(null),
  fc.boolean(),
);
const tickLike = fc.record(
  {
    v: fc.oneof(fc.constant(SCHEMA_VERSION), fc.anything()),
    symbol: fc.oneof(fc.constantFrom('AAPL', 'BTC-USD'), fc.string(), fc.anything()),
    time: fc.oneof(fc.integer({ min: TICK_LIMITS.minTime - 10, max: TICK_LIMITS.maxTime + 10 }), numberish),
    price: fc.oneof(fc.double({ min: 1e-14, max: 1e14, noNaN: true }), numberish),
    source: fc.oneof(fc.constant('test'), fc.anything()),
    dayVolume: numberish,
    size: numberish,
    bid: numberish,
    marketState: fc.oneof(fc.constantFrom('PRE', 'REGULAR', 'POST', 'CLOSED'), fc.anything()),
    backfill: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('decodeTick (property-based)', () => {
  it('any bytes: a tick in range or a DecodeError, never another throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const tick = decodeOrDecodeError(Buffer.from(bytes));
        if (tick) expectInRange(tick);
      }),
      RUNS,
    );
  });

  it('any JSON value: a tick in range or a DecodeError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const tick = decodeOrDecodeError(JSON.stringify(value) ?? 'null');
        if (tick) expectInRange(tick);
      }),
      RUNS,
    );
  });

  it('objects with random fields: a tick in range or a DecodeError', () => {
    fc.assert(
      fc.property(tickLike, (object) => {
        let text: string;
        try {
          text = JSON.stringify(object);
        } catch {
          return; // fc.anything() can build what JSON cannot hold (a BigInt); not a message
        }
        const tick = decodeOrDecodeError(text ?? 'null');
        if (tick) expectInRange(tick);
      }),
      RUNS,
    );
  });
});

describe('decodeTick edge values (issue 14)', () => {
  const base = { v: SCHEMA_VERSION, symbol: 'AAPL', time: Date.UTC(2026, 2, 10, 15), price: 100, source: 'test' };
  const decode = (fields: Record<string, unknown>) => () => decodeTick(JSON.stringify({ ...base, ...fields }));

  it('refuses a time outside the range of market data (9e15 ms once crashed the calendar)', () => {
    expect(decode({ time: 9e15 })).toThrow(
      'time 9000000000000000 is out of range (1970-01-01T00:00:00.001Z to 2200-01-01T00:00:00.000Z)',
    );
    expect(decode({ time: -1e15 })).toThrow(DecodeError);
  });

  it('refuses prices and volumes whose products would overflow (1e307 made VWAP Infinity)', () => {
    expect(decode({ price: 1e307 })).toThrow('price 1e+307 is out of range (1e-12 to 1000000000000)');
    expect(decode({ dayVolume: 1e300 })).toThrow('dayVolume 1e+300 is out of range (0 to 1000000000000000)');
    expect(decode({ bid: 1e200 })).toThrow(DecodeError);
  });

  it('refuses numeric strings in the wire format: a message with v carries JSON numbers', () => {
    expect(decode({ price: '101.5' })).toThrow('price must be a positive number');
    expect(decode({ dayVolume: '100' })).toThrow('dayVolume must be a non-negative number');
  });
});

describe('numeric strings: one rule for replay lines and Kafka messages', () => {
  it('converts every numeric field of a replay line without v, and refuses text that is no number', async () => {
    const { parseRecord } = await import('./sources/replay/records.ts');
    const row = { symbol: 'AAPL', time: '2026-03-10T15:30:00Z', price: '101.5', dayVolume: '1200', bid: '101.4' };
    expect(parseRecord(row)).toEqual({
      kind: 'tick',
      tick: {
        symbol: 'AAPL',
        time: Date.parse('2026-03-10T15:30:00Z'),
        price: 101.5,
        dayVolume: 1200,
        bid: 101.4,
        source: 'replay',
      },
    });
    expect(() => parseRecord({ ...row, dayVolume: 'lots' })).toThrow('dayVolume must be a non-negative number');
    // The same line with v is our wire format, as in Kafka: JSON numbers only.
    const line = JSON.stringify({ ...row, v: SCHEMA_VERSION, time: Date.parse(row.time), source: 'replay' });
    expect(() => parseRecord(JSON.parse(line) as Record<string, unknown>, line)).toThrow(
      'price must be a positive number',
    );
  });
});
