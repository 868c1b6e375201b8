import { describe, expect, it } from 'vitest';
import { decodeStockInfo, infoMessage } from '../../src/info/codec.ts';
import { toStockInfo } from '../../src/info/map.ts';
import { DecodeError } from '../../src/model.ts';
import { summaryOf } from './fixtures.ts';

const NOW = Date.parse('2024-11-22T21:30:00Z');

describe('quoteSummary → StockInfo', () => {
  it('maps every field of a complete payload and keeps the raw payload', () => {
    const raw = summaryOf('AAPL');
    expect(toStockInfo('AAPL', raw, NOW)).toEqual({
      symbol: 'AAPL',
      shortName: 'Apple Inc.',
      longName: 'Apple Inc.',
      sector: 'Technology',
      industry: 'Consumer Electronics',
      exchange: 'NMS',
      currency: 'USD',
      marketCap: 3484157951488,
      trailingPE: 37.89,
      forwardPE: 30.41,
      fiftyTwoWeekHigh: 237.49,
      fiftyTwoWeekLow: 164.08,
      fiftyDayAverage: 228.4574,
      shortRatio: 1.96,
      fetchedAt: NOW,
      raw,
    });
  });

  it('leaves out fields missing from the payload instead of inventing zeros', () => {
    const info = toStockInfo('SPY', summaryOf('SPY'), NOW);
    expect(info).toMatchObject({
      symbol: 'SPY',
      longName: 'SPDR S&P 500 ETF Trust',
      exchange: 'PCX',
      fiftyTwoWeekHigh: 609.07,
    });
    for (const key of ['sector', 'industry', 'marketCap', 'trailingPE', 'forwardPE', 'shortRatio'])
      expect(info).not.toHaveProperty(key);
  });

  it('reads numbers sent as {raw, fmt}, and falls back between modules', () => {
    const info = toStockInfo(
      'X',
      {
        price: { exchangeName: 'NasdaqGS', shortName: '  ' },
        summaryDetail: { trailingPE: { raw: 12.5, fmt: '12.50' }, marketCap: { raw: 1e9, fmt: '1B' }, currency: 'EUR' },
        defaultKeyStatistics: { forwardPE: 11 },
      },
      NOW,
    );
    expect(info).toMatchObject({
      trailingPE: 12.5,
      marketCap: 1e9,
      forwardPE: 11,
      currency: 'EUR',
      exchange: 'NasdaqGS',
    });
    expect(info).not.toHaveProperty('shortName');
  });

  it('survives modules that are missing or null', () => {
    expect(toStockInfo('X', { price: null }, NOW)).toEqual({ symbol: 'X', fetchedAt: NOW, raw: { price: null } });
  });
});

describe('stock info wire codec', () => {
  it('round-trips through the Kafka message keyed by symbol', () => {
    const info = toStockInfo('MSFT', summaryOf('MSFT'), NOW);
    const message = infoMessage(info);
    expect(message.key).toBe('MSFT');
    expect(message.headers).toEqual({ schema: 'stock-info.v1' });
    expect(decodeStockInfo(Buffer.from(message.value as string))).toEqual(info);
  });

  it.each([
    [null, /empty message/],
    ['{nope', /not JSON/],
    ['[]', /not a JSON object/],
    [JSON.stringify({ v: 2, symbol: 'A', fetchedAt: NOW }), /schema version/],
    [JSON.stringify({ v: 1, fetchedAt: NOW }), /symbol/],
    [JSON.stringify({ v: 1, symbol: 'A' }), /fetchedAt/],
    [JSON.stringify({ v: 1, symbol: 'A', fetchedAt: NOW, marketCap: '3T' }), /marketCap must be a number/],
    [JSON.stringify({ v: 1, symbol: 'A', fetchedAt: NOW, sector: 7 }), /sector must be a string/],
  ])('rejects %s with a reason', (raw, reason) => {
    expect(() => decodeStockInfo(raw)).toThrow(DecodeError);
    expect(() => decodeStockInfo(raw)).toThrow(reason);
  });
});
