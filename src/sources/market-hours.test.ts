import { describe, expect, it } from 'vitest';
import {
  currentOrNextSession,
  formatEt,
  latestSession,
  marketStateAt,
  nextOpen,
  sessionOfDay,
} from './market-hours.ts';

const at = (iso: string) => Date.parse(iso);

describe('NYSE market hours', () => {
  it('knows regular, pre, post and closed across daylight saving', () => {
    // 2026-03-06 is a Friday in EST (UTC-5); 2026-03-09 a Monday in EDT (UTC-4).
    expect(marketStateAt(at('2026-03-06T14:29:59Z'))).toBe('PRE');
    expect(marketStateAt(at('2026-03-06T14:30:00Z'))).toBe('REGULAR');
    expect(marketStateAt(at('2026-03-06T21:00:00Z'))).toBe('POST');
    expect(marketStateAt(at('2026-03-07T01:00:00Z'))).toBe('CLOSED');
    expect(marketStateAt(at('2026-03-09T13:30:00Z'))).toBe('REGULAR');
    expect(marketStateAt(at('2026-03-09T13:29:00Z'))).toBe('PRE');
    expect(marketStateAt(at('2026-03-07T15:00:00Z'))).toBe('CLOSED'); // Saturday
  });

  it('skips holidays and closes early on the listed days', () => {
    expect(sessionOfDay(at('2026-04-03T15:00:00Z'))).toBeUndefined(); // Good Friday
    expect(sessionOfDay(at('2027-07-05T15:00:00Z'))).toBeUndefined(); // Independence Day observed
    const blackFriday = sessionOfDay(at('2026-11-27T15:00:00Z'))!;
    expect(new Date(blackFriday.close).toISOString()).toBe('2026-11-27T18:00:00.000Z'); // 13:00 EST
    expect(new Date(blackFriday.postClose).toISOString()).toBe('2026-11-27T22:00:00.000Z');
    expect(marketStateAt(at('2026-11-27T18:30:00Z'))).toBe('POST');
  });

  it('finds the next open over a holiday weekend, and now when open', () => {
    // Thursday 2026-04-02 17:00 EDT → Good Friday → Monday 2026-04-06 09:30 EDT.
    expect(new Date(nextOpen(at('2026-04-02T21:00:00Z'))).toISOString()).toBe('2026-04-06T13:30:00.000Z');
    // 21:00 EDT: post-market is over too
    expect(new Date(nextOpen(at('2026-04-03T01:00:00Z'), true)).toISOString()).toBe('2026-04-06T08:00:00.000Z');
    // during post-market, with extended hours the market is open now
    expect(nextOpen(at('2026-04-02T21:00:00Z'), true)).toBe(at('2026-04-02T21:00:00Z'));
    expect(nextOpen(at('2026-04-01T15:00:00Z'))).toBe(at('2026-04-01T15:00:00Z'));
    expect(currentOrNextSession(at('2026-04-01T20:00:00Z')).date).toBe('2026-04-02');
  });

  it('finds the latest session that opened', () => {
    expect(latestSession(at('2026-04-04T12:00:00Z')).date).toBe('2026-04-02'); // Saturday after Good Friday
    expect(latestSession(at('2026-04-06T13:00:00Z')).date).toBe('2026-04-02'); // Monday before the open
    expect(latestSession(at('2026-04-06T13:30:00Z')).date).toBe('2026-04-06');
  });

  it('formats instants in New York time', () => {
    expect(formatEt(at('2026-04-06T13:30:00Z'))).toBe('Mon 2026-04-06 09:30 ET');
  });
});
