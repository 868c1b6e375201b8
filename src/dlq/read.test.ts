import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { deadLetter } from '../consume/dead-letter.ts';
import { deadLetterOrigin, escapeBytes } from './read.ts';

describe('deadLetterOrigin', () => {
  it('reads back exactly what deadLetter() wrote', () => {
    const original = {
      key: Buffer.from('AAPL'),
      value: Buffer.from('{bad'),
      offset: '9007199254740993',
      headers: { source: Buffer.from('yahoo') },
    } as unknown as KafkaMessage;
    const letter = deadLetter('prices.dlq', 'prices', 3, original, 'decode', 'invalid JSON');
    const headers = Object.fromEntries(
      Object.entries(letter.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
    );
    expect(deadLetterOrigin(headers)).toEqual({
      reason: 'invalid JSON',
      stage: 'decode',
      topic: 'prices',
      partition: 3,
      offset: '9007199254740993',
    });
  });

  it('gives null for missing or malformed headers instead of throwing', () => {
    expect(deadLetterOrigin(undefined)).toEqual({
      reason: null,
      stage: null,
      topic: null,
      partition: null,
      offset: null,
    });
    expect(deadLetterOrigin({ 'original.partition': 'x', 'original.offset': '-1' })).toMatchObject({
      partition: null,
      offset: null,
    });
  });
});

describe('escapeBytes', () => {
  it('escapes control, non-ASCII and backslash bytes', () => {
    expect(escapeBytes(Buffer.from([0x61, 0x0a, 0x00, 0xff, 0x5c, 0x09]), 100)).toBe('a\\n\\x00\\xff\\\\\\t');
  });
  it('truncates after the limit and names the full byte count', () => {
    expect(escapeBytes(Buffer.from('abcdef'), 3)).toBe('abc… (6 bytes)');
    expect(escapeBytes(Buffer.from('abc'), 3)).toBe('abc');
  });
  it('shows a null value as (null)', () => {
    expect(escapeBytes(null, 10)).toBe('(null)');
  });
});
