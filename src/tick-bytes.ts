/**
 * The consumer's tick decoder: straight from the message bytes into the tick, without the UTF-8
 * string, the parsed envelope object and the keyed copies `decodeTick` makes (that path cost the
 * consumer about as much CPU as kafkajs itself). It reads the flat ASCII objects `encodeTick`
 * writes; for anything else — escapes, non-ASCII, whitespace, nesting, a value out of range, any
 * error — it returns undefined before building anything and `decodeTickMessage` falls back to
 * `decodeTick`, so the result and every error message are `decodeTick`'s by construction
 * (src/tick-bytes.test.ts checks that on random input against a naive reference).
 */
import {
  decodeTick,
  MARKET_STATES,
  SCHEMA_VERSION,
  TICK_LIMITS,
  TICK_OPTIONAL_NUMBERS,
  TICK_OPTIONAL_STRINGS,
  type MarketState,
  type Tick,
} from './model.ts';

const MAX_MESSAGE_BYTES = 64 * 1024;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;
/** 10^k for the exact fast path: an integer mantissa below 2^53 divided by 10^k ≤ 10^22 rounds once, correctly. */
const POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_FAST_DIGITS = 15;

/** Values the fast path understands; NOT_SIMPLE for the rest (objects, arrays, escapes, odd numbers). */
type Value = number | string | boolean | null;
const NOT_SIMPLE = Symbol('not simple');

// The reader's position: module state rather than an object per message (one message at a time, synchronously).
let bytes: Buffer = Buffer.alloc(0);
let at = 0;

/**
 * Short strings by a hash of their bytes: the symbol, source, currency, exchange and market state
 * repeat in every message, so each is made once and shared by every tick that holds it — no new
 * string per field and message, and ticks waiting in a sink buffer share them (at 5,000 symbols
 * ~35k buffered ticks held 5 copies each). A slot holds the last string hashed to it.
 */
const INTERN_SLOTS = 1 << 16;
const MAX_INTERNED_LENGTH = 32;
const interned: Array<string | undefined> = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);

function sameBytes(text: string, start: number): boolean {
  for (let k = 0; k < text.length; k++) if (bytes[start + k] !== text.charCodeAt(k)) return false;
  return true;
}

function readString(): string | typeof NOT_SIMPLE {
  const start = ++at; // past the opening quote
  let hash = 0x811c9dc5; // FNV-1a
  for (let i = start; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === QUOTE) {
      at = i + 1;
      const length = i - start;
      // ASCII only: latin1 and UTF-8 agree
      if (length > MAX_INTERNED_LENGTH) return bytes.toString('latin1', start, i);
      const slot = hash & (INTERN_SLOTS - 1);
      const known = interned[slot];
      if (known !== undefined && known.length === length && sameBytes(known, start)) return known;
      return (interned[slot] = bytes.toString('latin1', start, i));
    }
    if (byte === BACKSLASH || byte < 0x20 || byte >= 0x80) return NOT_SIMPLE;
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return NOT_SIMPLE;
}

/** A JSON number by its grammar; exact via one division when short, else through Number(). */
function readNumber(): number | typeof NOT_SIMPLE {
  const start = at;
  let i = start;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  const intStart = i;
  let mantissa = 0;
  let byte = bytes[i]!;
  while (byte >= ZERO && byte <= NINE) {
    mantissa = mantissa * 10 + (byte - ZERO);
    byte = bytes[++i]!;
  }
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && bytes[intStart] === ZERO)) return NOT_SIMPLE; // JSON forbids leading zeros
  let fraction = 0;
  if (byte === DOT) {
    const fracStart = ++i;
    byte = bytes[i]!;
    while (byte >= ZERO && byte <= NINE) {
      mantissa = mantissa * 10 + (byte - ZERO);
      byte = bytes[++i]!;
    }
    fraction = i - fracStart;
    if (fraction === 0) return NOT_SIMPLE;
  }
  let exponent = false;
  if (byte === 0x65 || byte === 0x45) {
    // e/E, an optional sign, digits: rare (JSON.stringify writes them below 1e-6 and from 1e21 on), so Number() reads them.
    exponent = true;
    byte = bytes[++i]!;
    if (byte === 0x2b || byte === MINUS) byte = bytes[++i]!;
    const expStart = i;
    while (byte >= ZERO && byte <= NINE) byte = bytes[++i]!;
    if (i === expStart) return NOT_SIMPLE;
  }
  if (byte !== COMMA && byte !== CLOSE) return NOT_SIMPLE;
  at = i;
  if (exponent || intDigits + fraction > MAX_FAST_DIGITS) return Number(bytes.toString('latin1', start, i));
  const value = fraction === 0 ? mantissa : mantissa / POWERS[fraction]!;
  return negative ? -value : value;
}

function literal(text: string, value: boolean | null): boolean | null | typeof NOT_SIMPLE {
  for (let k = 0; k < text.length; k++) if (bytes[at + k] !== text.charCodeAt(k)) return NOT_SIMPLE;
  at += text.length;
  return value;
}

function readValue(): Value | typeof NOT_SIMPLE {
  const byte = bytes[at]!;
  if (byte === QUOTE) return readString();
  if (byte === MINUS || (byte >= ZERO && byte <= NINE)) return readNumber();
  if (byte === 0x74) return literal('true', true);
  if (byte === 0x66) return literal('false', false);
  if (byte === 0x6e) return literal('null', null);
  return NOT_SIMPLE;
}

/** The fields a tick can have, in one fixed order; a key is told by its bytes, without making a string. */
const KEYS = [
  'v',
  'symbol',
  'time',
  'price',
  'source',
  ...TICK_OPTIONAL_NUMBERS,
  ...TICK_OPTIONAL_STRINGS,
  'marketState',
  'backfill',
] as const;
const KEY_CODES = KEYS.map((key) => Array.from(key, (ch) => ch.charCodeAt(0)));
const UNKNOWN = -1;

/** Reads a key up to its closing quote: its index in KEYS, UNKNOWN, or NOT_SIMPLE. */
function readKey(guess: number): number | typeof NOT_SIMPLE {
  const start = ++at;
  let end = start;
  for (;;) {
    const byte = bytes[end];
    if (byte === QUOTE) break;
    if (byte === undefined || byte === BACKSLASH || byte < 0x20 || byte >= 0x80) return NOT_SIMPLE;
    end++;
  }
  at = end + 1;
  const length = end - start;
  // encodeTick writes the keys in the same order every time: try the one after the last first.
  for (let n = 0; n < KEY_CODES.length; n++) {
    const index = (guess + n) % KEY_CODES.length;
    const codes = KEY_CODES[index]!;
    if (codes.length !== length) continue;
    let k = 0;
    while (k < length && bytes[start + k] === codes[k]) k++;
    if (k === length) return index;
  }
  return UNKNOWN;
}

/** The values read, by KEYS index, last occurrence winning (as in JSON.parse); reused between messages. */
const values: Array<Value | undefined> = KEYS.map(() => undefined);

function readFields(message: Buffer): boolean {
  bytes = message;
  values.fill(undefined);
  if (message.length < 2 || message[0] !== OPEN || message[message.length - 1] !== CLOSE) return false;
  at = 1;
  let guess = 0;
  for (;;) {
    if (bytes[at] !== QUOTE) return false;
    const key = readKey(guess);
    if (key === NOT_SIMPLE || bytes[at] !== COLON) return false;
    at++;
    const value = readValue();
    if (value === NOT_SIMPLE) return false;
    // Unknown keys are ignored, as decodeTick ignores them.
    if (key !== UNKNOWN) {
      values[key] = value;
      guess = key + 1;
    }
    const byte = bytes[at];
    if (byte === CLOSE) return at === bytes.length - 1;
    if (byte !== COMMA) return false;
    at++;
  }
}

const { minTime, maxTime, minPrice, maxPrice, maxVolume } = TICK_LIMITS;

/** An optional number in range, `absent` when missing or null, NOT_SIMPLE when decodeTick would refuse it. */
function optionalNumber(value: Value | undefined, max: number): number | undefined | typeof NOT_SIMPLE {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && value >= 0 && value <= max ? value : NOT_SIMPLE;
}

function optionalString(value: Value | undefined): string | undefined | typeof NOT_SIMPLE {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : NOT_SIMPLE;
}

/** The tick when the bytes are a simple, valid tick message; undefined when `decodeTick` must decide. */
export function decodeTickBytes(message: Buffer): Tick | undefined {
  if (message.length > MAX_MESSAGE_BYTES || !readFields(message)) return undefined;
  const [
    v,
    symbol,
    time,
    price,
    source,
    rawDayVolume,
    rawSize,
    rawBid,
    rawAsk,
    rawDayHigh,
    rawDayLow,
    rawOpen,
    rawPreviousClose,
    rawCurrency,
    rawExchange,
    rawMarketState,
    backfill,
  ] = values;
  if (v !== SCHEMA_VERSION) return undefined;
  if (typeof symbol !== 'string' || symbol === '' || symbol.length > 20) return undefined;
  if (typeof time !== 'number' || !(time >= minTime && time <= maxTime)) return undefined;
  if (typeof price !== 'number' || !(price >= minPrice && price <= maxPrice)) return undefined;
  if (typeof source !== 'string' || source.length > 64) return undefined;
  const dayVolume = optionalNumber(rawDayVolume, maxVolume);
  const size = optionalNumber(rawSize, maxVolume);
  const bid = optionalNumber(rawBid, maxPrice);
  const ask = optionalNumber(rawAsk, maxPrice);
  const dayHigh = optionalNumber(rawDayHigh, maxPrice);
  const dayLow = optionalNumber(rawDayLow, maxPrice);
  const open = optionalNumber(rawOpen, maxPrice);
  const previousClose = optionalNumber(rawPreviousClose, maxPrice);
  const currency = optionalString(rawCurrency);
  const exchange = optionalString(rawExchange);
  const marketState = rawMarketState === null ? undefined : rawMarketState;
  if (
    dayVolume === NOT_SIMPLE ||
    size === NOT_SIMPLE ||
    bid === NOT_SIMPLE ||
    ask === NOT_SIMPLE ||
    dayHigh === NOT_SIMPLE ||
    dayLow === NOT_SIMPLE ||
    open === NOT_SIMPLE ||
    previousClose === NOT_SIMPLE ||
    currency === NOT_SIMPLE ||
    exchange === NOT_SIMPLE ||
    (marketState !== undefined && !MARKET_STATES.has(marketState))
  ) {
    return undefined;
  }
  // The keys in decodeTick's order, so both build objects of the same shape.
  const tick: Tick = { symbol, time, price, source };
  if (dayVolume !== undefined) tick.dayVolume = dayVolume;
  if (size !== undefined) tick.size = size;
  if (bid !== undefined) tick.bid = bid;
  if (ask !== undefined) tick.ask = ask;
  if (dayHigh !== undefined) tick.dayHigh = dayHigh;
  if (dayLow !== undefined) tick.dayLow = dayLow;
  if (open !== undefined) tick.open = open;
  if (previousClose !== undefined) tick.previousClose = previousClose;
  if (currency !== undefined) tick.currency = currency;
  if (exchange !== undefined) tick.exchange = exchange;
  if (marketState !== undefined) tick.marketState = marketState as MarketState;
  if (backfill === true) tick.backfill = true;
  return tick;
}

/** A Kafka message value to a tick: the byte path when it can, decodeTick (and its DecodeError) otherwise. */
export function decodeTickMessage(raw: Buffer | null): Tick {
  return (raw !== null && decodeTickBytes(raw)) || decodeTick(raw);
}
