/**
 * How much volume one tick adds to its bar. Yahoo reports cumulative day volume, so a tick adds
 * the increase since the highest value seen for the same trading day; ticks without it add their
 * trade size.
 *
 * The mark is kept per trading day (the last few days), not as one running value: around local
 * midnight a tick of the previous day may arrive after the first ticks of the new day (within the
 * allowed lateness), and it must count against its own day's mark, not against the new day's.
 * Rules: the first value a symbol ever reports is a baseline (how much of it fell into this bar is
 * unknown; counting it would fake a spike); on a later day only a drop below the previous day's
 * mark starts the new day (counted from 0) — a value at or above it is the previous session still
 * being repeated; a pre-market (PRE) tick reports the previous session's total, so it moves that
 * session's mark and adds nothing.
 */
import type { Tick } from '../../model.ts';

export interface DayMark {
  /** Start (local midnight) of the trading day. */
  day: number;
  /** Highest cumulative day volume seen for it. */
  volume: number;
}

export interface DayVolumeState {
  /** Marks of the most recent trading days, oldest first. */
  dayMarks: DayMark[];
}

/** Today, the previous day and one more: enough for any lateness shorter than a day. */
const KEPT_DAYS = 3;

export function volumeDelta(state: DayVolumeState, tick: Tick, tradingDay: number): number {
  const dayVolume = tick.dayVolume;
  if (dayVolume === undefined) return tick.size ?? 0;
  const marks = state.dayMarks;
  const previous = latestBefore(marks, tradingDay);
  if (tick.marketState === 'PRE') {
    // Before the open Yahoo repeats the last session's total: it belongs to that session.
    if (previous === undefined) insert(marks, tradingDay - 1, dayVolume);
    else if (dayVolume > previous.volume) previous.volume = dayVolume;
    return 0;
  }
  const own = marks.find((mark) => mark.day === tradingDay);
  if (own !== undefined) {
    if (dayVolume <= own.volume) return 0; // carried already by a later tick, or a corrected print
    const delta = dayVolume - own.volume;
    own.volume = dayVolume;
    return delta;
  }
  if (previous === undefined) {
    insert(marks, tradingDay, dayVolume);
    return 0;
  }
  if (dayVolume < previous.volume) {
    insert(marks, tradingDay, dayVolume);
    return dayVolume;
  }
  const delta = dayVolume - previous.volume;
  previous.volume = dayVolume;
  return delta;
}

function latestBefore(marks: DayMark[], day: number): DayMark | undefined {
  for (let i = marks.length - 1; i >= 0; i--) if ((marks[i] as DayMark).day < day) return marks[i];
  return undefined;
}

function insert(marks: DayMark[], day: number, volume: number): void {
  let at = marks.length;
  while (at > 0 && (marks[at - 1] as DayMark).day > day) at--;
  marks.splice(at, 0, { day, volume });
  if (marks.length > KEPT_DAYS) marks.shift();
}

/** Day marks from a snapshot, also of the older form with one running value. */
export function reviveDayMarks(saved: { dayMarks?: unknown; dayVolume?: unknown; dayVolumeDay?: unknown }): DayMark[] {
  if (Array.isArray(saved.dayMarks)) {
    return saved.dayMarks
      .filter((mark): mark is DayMark => typeof mark?.day === 'number' && typeof mark?.volume === 'number')
      .map((mark) => ({ day: mark.day, volume: mark.volume }));
  }
  if (typeof saved.dayVolume === 'number' && saved.dayVolume >= 0 && typeof saved.dayVolumeDay === 'number')
    return [{ day: saved.dayVolumeDay, volume: saved.dayVolume }];
  return [];
}
