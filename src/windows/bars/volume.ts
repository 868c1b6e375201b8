/**
 * How much volume one tick adds to its bar. Yahoo reports cumulative day volume, so a tick adds
 * the increase since the last value seen; ticks without it add their trade size.
 */
import type { Tick } from '../../model.ts';

/** The last cumulative day volume of a symbol and the trading day (its start) it was first seen on. */
export interface DayVolumeState {
  /** -1 before the first tick that had one. */
  dayVolume: number;
  dayVolumeDay: number;
}

export function volumeDelta(state: DayVolumeState, tick: Tick, tradingDay: number): number {
  const dayVolume = tick.dayVolume;
  if (dayVolume === undefined) return tick.size ?? 0;
  const last = state.dayVolume;
  if (last < 0) {
    // How much of the day so far fell into this bar is unknown; counting it all would fake a spike.
    remember(state, dayVolume, tradingDay);
    return 0;
  }
  if (dayVolume > last) {
    remember(state, dayVolume, tradingDay);
    return dayVolume - last;
  }
  if (dayVolume < last && tradingDay > state.dayVolumeDay) {
    // A drop on a later day is the new session counting from 0. Only a drop resets: before the
    // open Yahoo keeps repeating the previous session's volume, which must not count again.
    remember(state, dayVolume, tradingDay);
    return dayVolume;
  }
  // Same value, or lower on the same day: an out-of-order tick whose volume a later tick already
  // carried, or a corrected print.
  return 0;
}

function remember(state: DayVolumeState, dayVolume: number, tradingDay: number): void {
  state.dayVolume = dayVolume;
  state.dayVolumeDay = tradingDay;
}
