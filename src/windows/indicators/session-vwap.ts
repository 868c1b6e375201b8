/** The VWAP of the trading day so far, from its bars (each weighted by its volume). */
export interface SessionVwapState {
  /** Start of the trading day being summed. */
  day: number;
  priceVolume: number;
  volume: number;
}

export function createSessionVwap(): SessionVwapState {
  return { day: 0, priceVolume: 0, volume: 0 };
}

/** Adds a bar of trading day `day`; returns the VWAP once the day had volume. */
export function updateSessionVwap(
  state: SessionVwapState,
  day: number,
  vwap: number,
  volume: number,
): number | undefined {
  if (day !== state.day) {
    state.day = day;
    state.priceVolume = 0;
    state.volume = 0;
  }
  state.priceVolume += vwap * volume;
  state.volume += volume;
  return state.volume > 0 ? state.priceVolume / state.volume : undefined;
}

export function reviveSessionVwap(saved: unknown): SessionVwapState {
  const old = saved as Partial<SessionVwapState> | undefined;
  if (typeof old?.day !== 'number' || typeof old.priceVolume !== 'number' || typeof old.volume !== 'number')
    return createSessionVwap();
  return { day: old.day, priceVolume: old.priceVolume, volume: old.volume };
}
