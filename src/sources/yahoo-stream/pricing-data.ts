/**
 * Decodes Yahoo's streamer PricingData protobuf by hand: the schema is tiny and stable, and a
 * protobuf runtime plus generated code would outweigh it. Field numbers and types as in
 * docs/architecture.md; unknown fields are skipped by wire type, so new Yahoo fields do no harm.
 */

export interface PricingData {
  id?: string;
  price?: number;
  /** Epoch ms. */
  time?: number;
  currency?: string;
  exchange?: string;
  quoteType?: number;
  /** 0 pre, 1 regular, 2 post, 3 extended (overnight). */
  marketHours?: number;
  changePercent?: number;
  dayVolume?: number;
  dayHigh?: number;
  dayLow?: number;
  change?: number;
  shortName?: string;
  openPrice?: number;
  previousClose?: number;
  lastSize?: number;
  bid?: number;
  bidSize?: number;
  ask?: number;
  askSize?: number;
  priceHint?: number;
}

export type FieldType = 'string' | 'float' | 'sint64' | 'enum';

/** Field number → name and type. */
export const PRICING_FIELDS: ReadonlyMap<number, readonly [keyof PricingData, FieldType]> = new Map([
  [1, ['id', 'string']],
  [2, ['price', 'float']],
  [3, ['time', 'sint64']],
  [4, ['currency', 'string']],
  [5, ['exchange', 'string']],
  [6, ['quoteType', 'enum']],
  [7, ['marketHours', 'enum']],
  [8, ['changePercent', 'float']],
  [9, ['dayVolume', 'sint64']],
  [10, ['dayHigh', 'float']],
  [11, ['dayLow', 'float']],
  [12, ['change', 'float']],
  [13, ['shortName', 'string']],
  [15, ['openPrice', 'float']],
  [16, ['previousClose', 'float']],
  [22, ['lastSize', 'sint64']],
  [23, ['bid', 'float']],
  [24, ['bidSize', 'sint64']],
  [25, ['ask', 'float']],
  [26, ['askSize', 'sint64']],
  [27, ['priceHint', 'sint64']],
] as const);

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const WIRE_OF: Record<FieldType, number> = {
  string: WIRE_BYTES,
  float: WIRE_FIXED32,
  sint64: WIRE_VARINT,
  enum: WIRE_VARINT,
};

export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
}

export function decodePricingData(bytes: Uint8Array): PricingData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder();
  const out: Record<string, string | number> = {};
  let pos = 0;

  // Varints can carry 64 bits; plain arithmetic (not 32-bit bit operators) keeps up to 2^53 exact,
  // plenty for millisecond times and volumes.
  const varint = (): number => {
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= bytes.length) throw new ProtobufError('truncated varint');
      const byte = bytes[pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new ProtobufError(`field needs ${n} bytes, ${bytes.length - pos} left`);
  };

  while (pos < bytes.length) {
    const key = varint();
    const fieldNumber = Math.floor(key / 8);
    const wireType = key % 8;
    const field = PRICING_FIELDS.get(fieldNumber);
    let value: string | number | undefined;
    switch (wireType) {
      case WIRE_VARINT: {
        const raw = varint();
        // sint64 is zigzag: 0, -1, 1, -2 … are sent as 0, 1, 2, 3 …
        value = field?.[1] === 'sint64' ? (raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2) : raw;
        break;
      }
      case WIRE_FIXED32:
        need(4);
        value = view.getFloat32(pos, true);
        pos += 4;
        break;
      case WIRE_FIXED64:
        need(8);
        value = view.getFloat64(pos, true);
        pos += 8;
        break;
      case WIRE_BYTES: {
        const length = varint();
        need(length);
        value = utf8.decode(bytes.subarray(pos, pos + length));
        pos += length;
        break;
      }
      default:
        throw new ProtobufError(`unsupported wire type ${wireType} (field ${fieldNumber})`);
    }
    // A known field number with an unexpected wire type is a schema change we do not understand: ignore it.
    if (field && WIRE_OF[field[1]] === wireType) out[field[0]] = value;
  }
  return out as PricingData;
}
