/**
 * 1,000 bad messages of every sort a prices topic can receive, each with the reason the consumer
 * must give for it in the dead-letter `error` header: malformed, truncated, wrong-typed, huge and
 * wrong-schema values, and tombstones. Seeded, so a failure can be replayed.
 */
import { encodeTick, type Tick } from '../../../src/model.ts';

export interface Poison {
  /** Travels as the `poison-id` header, which the DLQ copy keeps. */
  id: string;
  kind: string;
  key: string | null;
  value: Buffer | null;
  /** What the `error` header must say. */
  reason: RegExp;
}

type Make = (tick: Tick, random: () => number) => { value: Buffer | string | null; reason: RegExp };

const text = (random: () => number, bytes: number) =>
  Buffer.from(Array.from({ length: Math.ceil((bytes * 3) / 4) }, () => Math.floor(random() * 256))).toString('base64');
const json = (tick: Tick, changes: Record<string, unknown>) =>
  JSON.stringify({ ...JSON.parse(encodeTick(tick)), ...changes });
const without = (tick: Tick, key: string) => {
  const copy: Record<string, unknown> = JSON.parse(encodeTick(tick));
  delete copy[key];
  return JSON.stringify(copy);
};

/** Kinds in rotation; the reasons are the consumer's decode errors (src/model.ts). */
const KINDS: Record<string, Make> = {
  'not-json': () => ({ value: 'price=231.54 symbol=AAPL', reason: /^not JSON/ }),
  empty: () => ({ value: '', reason: /^not JSON/ }),
  binary: (_, random) => ({
    value: Buffer.from([0xff, 0xfe, ...Array.from({ length: 40 }, () => Math.floor(random() * 256))]),
    reason: /^not JSON/,
  }),
  truncated: (tick, random) => {
    const whole = encodeTick(tick);
    return { value: whole.slice(0, 1 + Math.floor(random() * (whole.length - 2))), reason: /^not JSON/ };
  },
  'price-as-text': (tick) => ({
    value: json(tick, { price: String(tick.price) }),
    reason: /^price must be a positive number$/,
  }),
  'negative-price': (tick) => ({
    value: json(tick, { price: -tick.price }),
    reason: /^price must be a positive number$/,
  }),
  'time-as-iso': (tick) => ({
    value: json(tick, { time: new Date(tick.time).toISOString() }),
    reason: /^time must be epoch milliseconds$/,
  }),
  'no-time': (tick) => ({ value: without(tick, 'time'), reason: /^time must be epoch milliseconds$/ }),
  'negative-volume': (tick) => ({
    value: json(tick, { dayVolume: -5 }),
    reason: /^dayVolume must be a non-negative number$/,
  }),
  'bid-as-text': (tick) => ({ value: json(tick, { bid: 'n/a' }), reason: /^bid must be a non-negative number$/ }),
  'symbol-as-number': (tick) => ({ value: json(tick, { symbol: 42 }), reason: /^symbol must be a non-empty string$/ }),
  'market-state': (tick) => ({
    value: json(tick, { marketState: 'OPEN' }),
    reason: /^marketState must be PRE, REGULAR, POST or CLOSED$/,
  }),
  'source-as-number': (tick) => ({ value: json(tick, { source: 7 }), reason: /^source must be a string$/ }),
  'schema-v2': (tick) => ({ value: json(tick, { v: 2 }), reason: /^unsupported schema version 2 \(expected 1\)$/ }),
  'no-version': (tick) => ({
    value: without(tick, 'v'),
    reason: /^unsupported schema version undefined \(expected 1\)$/,
  }),
  array: (tick) => ({ value: `[${encodeTick(tick)}]`, reason: /^not a JSON object$/ }),
  'json-null': () => ({ value: 'null', reason: /^not a JSON object$/ }),
  number: () => ({ value: '42', reason: /^not a JSON object$/ }),
  'a-bar': (tick) => ({
    value: JSON.stringify({
      v: 1,
      symbol: tick.symbol,
      start: tick.time,
      open: 1,
      high: 2,
      low: 1,
      close: 2,
      volume: 10,
    }),
    reason: /^time must be epoch milliseconds$/,
  }),
  tombstone: () => ({ value: null, reason: /^empty message \(null value\)$/ }),
  huge: (tick, random) => {
    const pad = text(random, 70_000 + Math.floor(random() * 500_000));
    return { value: json(tick, { note: pad }), reason: /^message too large \(\d+ bytes > 65536\)$/ };
  },
};

/** `count` bad messages keyed like the ticks they imitate (so they share their partitions), some unkeyed. */
export function poisonMessages(count: number, ticks: readonly Tick[], random: () => number): Poison[] {
  const kinds = Object.keys(KINDS);
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    const tick = ticks[Math.floor(random() * ticks.length)]!;
    const { value, reason } = KINDS[kind]!(tick, random);
    const key = random() < 0.1 ? null : tick.symbol;
    return { id: String(i), kind, key, value: typeof value === 'string' ? Buffer.from(value) : value, reason };
  });
}
