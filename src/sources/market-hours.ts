/**
 * NYSE trading sessions: which instants are pre-market, regular, post-market or closed, and when the
 * next session opens. There is no maintained npm exchange calendar, so holidays and early closes of
 * 2026–2027 live in a small table; outside it only weekends are known, and the yahoo source trusts
 * Yahoo's `marketState` at run time anyway (this calendar only decides how long to sleep).
 * Time-zone arithmetic comes from the windows' SessionCalendar (local midnights, 09:30 opens).
 */
import type { MarketState } from '../model.ts';
import { SessionCalendar } from '../windows/calendar.ts';

const MINUTE = 60_000;

/** NYSE full-day closures (https://www.nyse.com/markets/hours-calendars). */
const HOLIDAYS = new Set([
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-04-03',
  '2026-05-25',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-11-26',
  '2026-12-25',
  '2027-01-01',
  '2027-01-18',
  '2027-02-15',
  '2027-03-26',
  '2027-05-31',
  '2027-06-18',
  '2027-07-05',
  '2027-09-06',
  '2027-11-25',
  '2027-12-24',
]);

/** Days the regular session ends at 13:00 ET (post-market then ends at 17:00). */
const EARLY_CLOSES = new Set(['2026-11-27', '2026-12-24', '2027-11-26']);

/** One trading day of the NYSE, as instants (epoch ms). */
export interface Session {
  /** The New York date, like 2026-03-02. */
  date: string;
  /** 04:00 ET: pre-market opens. */
  preOpen: number;
  /** 09:30 ET. */
  open: number;
  /** 16:00 ET, or 13:00 on early-close days. */
  close: number;
  /** 20:00 ET, or 17:00 on early-close days. */
  postClose: number;
}

const calendar = new SessionCalendar('America/New_York', '09:30');

/** The session of the New York day that contains `time`, or undefined on weekends and holidays. */
export function sessionOfDay(time: number): Session | undefined {
  const day = calendar.dayOf(time);
  // 09:30 in New York is 13:30 or 14:30 UTC: the same calendar date and weekday as in New York.
  const openDate = new Date(day.open);
  const weekday = openDate.getUTCDay();
  const date = openDate.toISOString().slice(0, 10);
  if (weekday === 0 || weekday === 6 || HOLIDAYS.has(date)) return undefined;
  // Daylight saving changes at 02:00, so 04:00–20:00 is one fixed offset: plain minute arithmetic holds.
  const early = EARLY_CLOSES.has(date);
  return {
    date,
    preOpen: day.open - 330 * MINUTE,
    open: day.open,
    close: day.open + (early ? 210 : 390) * MINUTE,
    postClose: day.open + (early ? 450 : 630) * MINUTE,
  };
}

/** What the calendar says the market does at `time`. */
export function marketStateAt(time: number): MarketState {
  const session = sessionOfDay(time);
  if (!session || time < session.preOpen || time >= session.postClose) return 'CLOSED';
  if (time < session.open) return 'PRE';
  return time < session.close ? 'REGULAR' : 'POST';
}

const SEARCH_DAYS = 14;

/** The first session whose regular part (or, with extendedHours, pre-market) has not ended at `time`. */
export function currentOrNextSession(time: number, extendedHours = false): Session {
  let probe = time;
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const session = sessionOfDay(probe);
    if (session && time < (extendedHours ? session.postClose : session.close)) return session;
    probe = calendar.dayOf(probe).end;
  }
  throw new Error(`no NYSE session within ${SEARCH_DAYS} days of ${new Date(time).toISOString()}`);
}

/** When the market is next open (now, if it is open): 09:30 ET, or 04:00 ET with extended hours. */
export function nextOpen(time: number, extendedHours = false): number {
  const session = currentOrNextSession(time, extendedHours);
  return Math.max(time, extendedHours ? session.preOpen : session.open);
}

/** The last session whose regular part started at or before `time`. */
export function latestSession(time: number): Session {
  let probe = time;
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const session = sessionOfDay(probe);
    if (session && session.open <= time) return session;
    probe = calendar.dayOf(probe).start - 1;
  }
  throw new Error(`no NYSE session within ${SEARCH_DAYS} days before ${new Date(time).toISOString()}`);
}

/** `Mon 2026-03-02 09:30 ET`, for status lines. */
export function formatEt(time: number): string {
  const text = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(time);
  const part = (type: Intl.DateTimeFormatPartTypes) => text.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ET`;
}
