import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { SessionCalendar } from './calendar.ts';
import { at } from './testing.ts';

const HOUR = 3_600_000;

describe('SessionCalendar', () => {
  const newYork = new SessionCalendar('America/New_York');

  it('finds local midnight and the 9:30 open of a winter day', () => {
    const day = newYork.dayOf(at('2024-03-08T13:00:00-05:00'));
    expect(day).toEqual({
      start: at('2024-03-08T00:00:00-05:00'),
      end: at('2024-03-09T00:00:00-05:00'),
      open: at('2024-03-08T09:30:00-05:00'),
    });
  });

  it('gives the spring-forward day 23 hours and opens at 9:30 daylight time', () => {
    const day = newYork.dayOf(at('2024-03-10T12:00:00-04:00'));
    expect(day.start).toBe(at('2024-03-10T00:00:00-05:00'));
    expect(day.end).toBe(at('2024-03-11T00:00:00-04:00'));
    expect(day.end - day.start).toBe(23 * HOUR);
    expect(day.open).toBe(at('2024-03-10T09:30:00-04:00'));
  });

  it('gives the fall-back day 25 hours', () => {
    const day = newYork.dayOf(at('2024-11-03T01:30:00-05:00'));
    expect(day.start).toBe(at('2024-11-03T00:00:00-04:00'));
    expect(day.end - day.start).toBe(25 * HOUR);
    expect(day.open).toBe(at('2024-11-03T09:30:00-05:00'));
  });

  it('puts the last millisecond before midnight on the old day and midnight on the new one', () => {
    const midnight = at('2024-07-02T00:00:00-04:00');
    expect(newYork.dayOf(midnight - 1).end).toBe(midnight);
    expect(newYork.dayOf(midnight).start).toBe(midnight);
    // Asked again after other days, from the cache.
    expect(newYork.dayOf(midnight - 1).end).toBe(midnight);
  });

  it('knows the London open and accepts an explicit one', () => {
    expect(new SessionCalendar('Europe/London').dayOf(at('2024-06-03T12:00:00+01:00')).open).toBe(
      at('2024-06-03T08:00:00+01:00'),
    );
    expect(new SessionCalendar('America/New_York', '04:00').dayOf(at('2024-06-03T12:00:00-04:00')).open).toBe(
      at('2024-06-03T04:00:00-04:00'),
    );
  });

  it('refuses an unknown time zone with a ConfigError that names it', () => {
    expect(() => new SessionCalendar('America/Gotham')).toThrowError(ConfigError);
    expect(() => new SessionCalendar('America/Gotham')).toThrowError(/America\/Gotham/);
  });
});
