/**
 * Trading days of an exchange time zone: local midnight to midnight, and the session open that
 * bars align to. Intl is slow (microseconds a call), so days are computed once and cached; the hot
 * path only compares two numbers.
 */
import { ConfigError } from '../errors.ts';

export interface TradingDay {
  /** Local midnight (epoch ms); also the day's identity. */
  start: number;
  /** The next local midnight: 23 or 25 hours later on a daylight-saving change. */
  end: number;
  /** Regular session open of this day (epoch ms); the grid of intraday bars goes through it. */
  open: number;
}

/** Regular session opens of the main exchanges, by time zone; 09:30 for any other zone. */
const SESSION_OPENS: Record<string, string> = {
  'America/New_York': '09:30',
  'America/Toronto': '09:30',
  'America/Chicago': '08:30',
  'Europe/London': '08:00',
  'Europe/Paris': '09:00',
  'Europe/Berlin': '09:00',
  'Europe/Amsterdam': '09:00',
  'Europe/Zurich': '09:00',
  'Asia/Tokyo': '09:00',
  'Asia/Hong_Kong': '09:30',
  'Asia/Shanghai': '09:30',
  'Asia/Kolkata': '09:15',
  'Australia/Sydney': '10:00',
};

const CACHED_DAYS = 16;

export class SessionCalendar {
  readonly timezone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #openMinutes: number;
  readonly #days: TradingDay[] = [];
  #last: TradingDay | undefined;

  constructor(timezone: string, sessionOpen: string = SESSION_OPENS[timezone] ?? '09:30') {
    this.timezone = timezone;
    try {
      this.#format = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new ConfigError(
        `windows.timezone: "${timezone}" is not an IANA time zone`,
        'use one like America/New_York or Europe/London',
      );
    }
    const match = /^(\d{1,2}):(\d{2})$/.exec(sessionOpen);
    if (!match) throw new ConfigError(`session open "${sessionOpen}" is not a time of day`, 'use HH:MM, like 09:30');
    this.#openMinutes = Number(match[1]) * 60 + Number(match[2]);
  }

  /** The trading day that contains `time`. */
  dayOf(time: number): TradingDay {
    const last = this.#last;
    if (last !== undefined && time >= last.start && time < last.end) return last;
    for (const day of this.#days) {
      if (time >= day.start && time < day.end) {
        this.#last = day;
        return day;
      }
    }
    const day = this.#compute(time);
    this.#days.push(day);
    if (this.#days.length > CACHED_DAYS) this.#days.shift();
    this.#last = day;
    return day;
  }

  #compute(time: number): TradingDay {
    const [year, month, day] = this.#localParts(time);
    return {
      start: this.#localToUtc(year, month, day, 0),
      end: this.#localToUtc(year, month, day + 1, 0),
      open: this.#localToUtc(year, month, day, this.#openMinutes),
    };
  }

  /** Local [year, month, day, hour, minute, second] of an instant. */
  #localParts(time: number): LocalParts {
    const values: LocalParts = [0, 0, 0, 0, 0, 0];
    for (const part of this.#format.formatToParts(time)) {
      const index = PART_INDEX[part.type];
      if (index !== undefined) values[index] = Number(part.value);
    }
    return values;
  }

  /** Local wall time minus UTC at an instant, in ms. */
  #offsetAt(time: number): number {
    const [y, mo, d, h, mi, s] = this.#localParts(time);
    return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(time / 1000) * 1000;
  }

  /** The instant of a local wall time; Date.UTC normalises day overflow (the 32nd is the 1st). */
  #localToUtc(year: number, month: number, day: number, minutes: number): number {
    const wall = Date.UTC(year, month - 1, day, 0, minutes);
    let utc = wall - this.#offsetAt(wall);
    // The offset at the guess can differ from the offset at the wall time near a DST change.
    const offset = this.#offsetAt(utc);
    if (wall - utc !== offset) utc = wall - offset;
    return utc;
  }
}

type LocalParts = [number, number, number, number, number, number];

const PART_INDEX: Partial<Record<Intl.DateTimeFormatPartTypes, 0 | 1 | 2 | 3 | 4 | 5>> = {
  year: 0,
  month: 1,
  day: 2,
  hour: 3,
  minute: 4,
  second: 5,
};
