/**
 * The byte decoder against the two it must agree with (fast-check; the seed is printed, and
 * FC_SEED=<seed> replays a run):
 * - `decodeTick`, the JSON.parse path: on any input the same tick (same keys in the same order,
 *   -0 kept) or the same DecodeError message;
 * - a naive reference written here: a tick `encodeTick` wrote comes back as JSON.parse reads it,
 *   and through the byte path itself (not a fallback), so the fast path is what is being tested.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, decodeTick, encodeTick, SCHEMA_VERSION, TICK_LIMITS, type Tick } from './model.ts';
import { decodeTickBytes, decodeTickMessage } from './tick-bytes.ts';

const SEED = process.env.FC_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FC_SEED);
// Printed always: a failure in CI is replayed with FC_SEED=<this>.
console.log(`tick-bytes properties: FC_SEED=${SEED}`);
const RUNS = { numRuns: 2_000, seed: SEED };

type Outcome = { tick: string; negativeZero: string[] } | { error: string };

/** A decoder's answer in a comparable form: the tick as JSON (key order included) and which fields are -0, or the DecodeError. */
function outcome(decode: () => Tick): Outcome {
  try {
    const tick = decode();
    return {
      tick: JSON.stringify(tick),
      negativeZero: Object.keys(tick).filter((key) => Object.is(tick[key as keyof Tick], -0)),
    };
  } catch (error) {
    if (error instanceof DecodeError) return { error: error.message };
    throw error;
  }
}

function expectSame(bytes: Buffer): void {
  expect(outcome(() => decodeTickMessage(bytes))).toEqual(outcome(() => decodeTick(bytes)));
}

/** Numbers as they come: prices with few decimals, any double, edges of the ranges, -0, long mantissas, exponents. */
const anyNumber = fc.oneof(
  fc.integer({ min: 1, max: 10_000_000 }).map((cents) => cents / 100),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: 1e-14, max: 1e14, noNaN: true }),
  fc.constantFrom(
    0,
    -0,
    1e-12,
    1e12,
    1e15,
    1e15 + 2,
    // Past 2^53 on purpose: the decoder must round it the way JSON.parse does.
    // eslint-disable-next-line no-loss-of-precision
    9007199254740993,
    0.1 + 0.2,
    123456789012345.6,
    1e-7,
    5e-324,
    1.7976931348623157e308,
  ),
  fc.integer(),
);
const fieldValue = fc.oneof(
  anyNumber,
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('PRE', 'REGULAR', 'POST', 'CLOSED', 'USD', 'é', 'a"b', 'a\\b', '\n'),
);

const validTick: fc.Arbitrary<Tick> = fc.record(
  {
    symbol: fc.stringMatching(/^[A-Z][A-Z0-9.\-^=]{0,9}$/),
    time: fc.integer({ min: TICK_LIMITS.minTime, max: TICK_LIMITS.maxTime }),
    price: fc.oneof(
      fc.integer({ min: 1, max: 10_000_000 }).map((cents) => cents / 100),
      fc.double({ min: TICK_LIMITS.minPrice, max: TICK_LIMITS.maxPrice, noNaN: true }),
    ),
    source: fc.constantFrom('synthetic', 'yahoo', 'replay', 'backfill', ''),
    dayVolume: fc.integer({ min: 0, max: 1e12 }),
    size: fc.integer({ min: 0, max: 1e6 }),
    bid: fc.double({ min: 0, max: 1e6, noNaN: true }),
    ask: fc.double({ min: 0, max: 1e6, noNaN: true }),
    dayHigh: fc.double({ min: 0, max: 1e6, noNaN: true }),
    dayLow: fc.double({ min: 0, max: 1e6, noNaN: true }),
    open: fc.double({ min: 0, max: 1e6, noNaN: true }),
    previousClose: fc.double({ min: 0, max: 1e6, noNaN: true }),
    currency: fc.constantFrom('USD', 'EUR'),
    exchange: fc.constantFrom('NMS', 'NYQ'),
    marketState: fc.constantFrom('PRE', 'REGULAR', 'POST', 'CLOSED'),
    backfill: fc.constant(true),
  },
  { requiredKeys: ['symbol', 'time', 'price', 'source'] },
);

/** Any flat JSON object over the tick's keys and a few others, in any order, with any values. */
const flatObject = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'v',
        'symbol',
        'time',
        'price',
        'source',
        'dayVolume',
        'size',
        'bid',
        'ask',
        'open',
        'currency',
        'marketState',
        'backfill',
        'extra',
        '__proto__',
        'prices',
      ),
      fieldValue,
    ),
    { maxLength: 14 },
  )
  .chain((entries) => fc.tuple(fc.constant(entries), fc.boolean()))
  .map(([entries, withVersion]) => {
    const parts = entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
    return `{${[...(withVersion ? [`"v":${SCHEMA_VERSION}`] : []), ...parts].join(',')}}`;
  });

/** A valid message with a piece of it replaced by something else (breaks the grammar, a number, a string). */
const mutated = fc
  .tuple(
    validTick,
    fc.nat(),
    fc.nat({ max: 6 }),
    fc.constantFrom('', ' ', '"', '\\', '0', '-', '.', 'e5', '}', '{', ',', ':', 'null', '1e400', '01', 'é', '\u0000'),
  )
  .map(([tick, at, cut, insert]) => {
    const text = encodeTick(tick);
    const where = at % text.length;
    return text.slice(0, where) + insert + text.slice(where + cut);
  });

describe('decodeTickMessage agrees with decodeTick (property-based)', () => {
  it('valid ticks: the byte path itself decodes them, to what JSON.parse reads', () => {
    fc.assert(
      fc.property(validTick, (tick) => {
        const bytes = Buffer.from(encodeTick(tick));
        const fast = decodeTickBytes(bytes);
        expect(fast, `the byte path declined ${bytes.toString()}`).toBeDefined();
        // The naive reference: JSON.parse, without the version.
        const { v: _, ...parsed } = JSON.parse(bytes.toString('utf8')) as Tick & { v: number };
        expect(fast).toEqual(parsed);
        expectSame(bytes);
      }),
      RUNS,
    );
  });

  it('flat JSON objects with any values, keys in any order and repeated: the same tick or the same error', () => {
    fc.assert(
      fc.property(flatObject, (text) => {
        expectSame(Buffer.from(text));
      }),
      RUNS,
    );
  });

  it('valid messages with a piece replaced: the same tick or the same error', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        expectSame(Buffer.from(text));
      }),
      RUNS,
    );
  });

  it('any bytes: the same tick or the same error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expectSame(Buffer.from(bytes));
      }),
      RUNS,
    );
  });

  it('null, empty and oversized values: the same error', () => {
    expect(outcome(() => decodeTickMessage(null))).toEqual(outcome(() => decodeTick(null)));
    expectSame(Buffer.alloc(0));
    expectSame(Buffer.from(`{"v":1,"symbol":"A","time":1,"price":1,"source":"${'x'.repeat(70_000)}"}`));
  });
});

describe('decodeTickBytes keeps repeated strings once', () => {
  const message = (symbol: string, source: string) =>
    Buffer.from(encodeTick({ symbol, time: TICK_LIMITS.minTime, price: 1, source, currency: 'USD' }));

  it('gives every message its own values when far more distinct strings come than it keeps (hash slots collide)', () => {
    // 200,000 distinct symbols against 65,536 slots: most share a slot with another, some with the
    // source of the message before; each must still come back as its own.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 200_000; i++) {
        const symbol = `S${i.toString(36).toUpperCase()}`;
        const source = `src${(i * 7919) % 1_000}`;
        const tick = decodeTickBytes(message(symbol, source));
        expect(tick?.symbol).toBe(symbol);
        expect(tick?.source).toBe(source);
      }
    }
  });
});
