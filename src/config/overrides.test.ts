import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { OverrideBuilder, parseNumber, parseSymbols } from './overrides.ts';

describe('flag parsing', () => {
  it('normalises symbols', () => {
    expect(parseSymbols(' aapl, msft ,BRK-B,^gspc')).toEqual(['AAPL', 'MSFT', 'BRK-B', '^GSPC']);
  });

  it.each([
    ['AAPL,,MSFT', '--symbols: entry 2 is empty'],
    ['AAPL,$$', '--symbols: "$$" is not a ticker symbol'],
    ['AAPL,TOOLONGTOBEASYMBOL123', 'is not a ticker symbol'],
  ])('rejects %s as a usage error', (raw, message) => {
    expect(() => parseSymbols(raw)).toThrow(UsageError);
    expect(() => parseSymbols(raw)).toThrow(message);
  });

  it('parses numbers with bounds', () => {
    expect(parseNumber('1000', '--rate', { min: 1 })).toBe(1000);
    expect(() => parseNumber('fast', '--rate')).toThrow('--rate: "fast" is not a number');
    expect(() => parseNumber('1.5', '--limit', { integer: true })).toThrow('is not a whole number');
    expect(() => parseNumber('0', '--rate', { min: 1 })).toThrow('too small');
  });

  it('builds config-shaped overrides and remembers the flag', () => {
    const built = new OverrideBuilder()
      .set('source.synthetic.rate', 5, '--rate')
      .set('symbols', ['AAPL'], '--symbols')
      .set('kafka.groupId', undefined, '--group')
      .build();
    expect(built.values).toEqual({ source: { synthetic: { rate: 5 } }, symbols: ['AAPL'] });
    expect(built.origins).toEqual({ 'source.synthetic.rate': '--rate', symbols: '--symbols' });
  });
});
