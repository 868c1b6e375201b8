import { describe, expect, it } from 'vitest';
import { encodePricingData } from '../../../test/produce/helpers/fake-streamer.ts';
import { decodePricingData, ProtobufError, type PricingData } from './pricing-data.ts';
import { roundPrice } from './stream-state.ts';
import { decodeFrame } from './yahoo-stream.ts';

describe('PricingData decoder', () => {
  it('decodes a frame in the shape the streamer sends', () => {
    // A BTC-USD message as published in stream client docs: fields 1-8, 9-12, 15.
    const message = decodePricingData(
      Buffer.from(
        'CgdCVEMtVVNEFYoMuUYYwLCVgIplIgNVU0QqA0NDQzApOAFFPWrEP0iAgOrxvANVx/25R12csrRGZYD8skR9/7i0Rg==',
        'base64',
      ),
    );
    expect(message).toMatchObject({
      id: 'BTC-USD',
      time: 1736509140000,
      currency: 'USD',
      exchange: 'CCC',
      quoteType: 41,
      marketHours: 1,
      dayVolume: 59712028672,
    });
    expect(message.price).toBeCloseTo(23686.27, 2);
  });

  it('round-trips every field, negative sint64 included, and skips unknown fields', () => {
    const data: PricingData = {
      id: 'AAPL',
      price: 231.54,
      time: 1773156600123,
      currency: 'USD',
      exchange: 'NMS',
      quoteType: 8,
      marketHours: 2,
      changePercent: -0.25,
      dayVolume: 23456789,
      dayHigh: 232.1,
      dayLow: 229.5,
      change: -0.58,
      shortName: 'Apple Inc.',
      openPrice: 230.02,
      previousClose: 232.12,
      lastSize: 100,
      bid: 231.5,
      bidSize: 3,
      ask: 231.58,
      askSize: 4,
      priceHint: 2,
    };
    // field 99 (varint) and field 100 (bytes) are not in our schema
    const unknown = Buffer.from([0x98, 0x06, 0x07, 0xa2, 0x06, 0x02, 0x68, 0x69]);
    const decoded = decodePricingData(Buffer.concat([encodePricingData(data), unknown]));
    for (const [key, value] of Object.entries(data)) {
      if (typeof value === 'number' && !Number.isInteger(value))
        expect(decoded[key as keyof PricingData]).toBeCloseTo(value, 4);
      else expect(decoded[key as keyof PricingData]).toBe(value);
    }
    expect(decodePricingData(encodePricingData({ id: 'X', change: 0, dayVolume: -5 })).dayVolume).toBe(-5);
  });

  it('rejects truncated input', () => {
    const bytes = encodePricingData({ id: 'AAPL', shortName: 'Apple Inc.' });
    expect(() => decodePricingData(bytes.subarray(0, bytes.length - 3))).toThrow(ProtobufError);
  });

  it('reads version 2 JSON frames and ignores other message types', () => {
    const frame = JSON.stringify({
      type: 'pricing',
      message: encodePricingData({ id: 'MSFT', price: 415.1 }).toString('base64'),
    });
    expect(decodeFrame(frame)?.id).toBe('MSFT');
    expect(decodeFrame(JSON.stringify({ type: 'heartbeat' }))).toBeUndefined();
    expect(() => decodeFrame('{"type":"pricing"')).toThrow();
  });

  it('rounds float32 prices back to the decimals Yahoo meant', () => {
    expect(Math.fround(231.54)).not.toBe(231.54);
    expect(roundPrice(Math.fround(231.54), 2)).toBe(231.54);
    expect(roundPrice(Math.fround(0.012345), 4)).toBe(0.0123);
    expect(roundPrice(Math.fround(231.54), undefined)).toBe(231.54);
    expect(roundPrice(0, 2)).toBeUndefined();
  });
});
