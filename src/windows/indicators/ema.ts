/**
 * Exponential moving average, seeded with the simple average of the first `period` values (the
 * textbook and TA-Lib convention), then `ema += α (x − ema)` with α = 2 / (period + 1).
 */
export interface EmaState {
  period: number;
  /** Values seen, up to `period` (only the seeding needs the count). */
  seen: number;
  /** The running sum while seeding, then the average itself. */
  value: number;
}

export function createEma(period: number): EmaState {
  return { period, seen: 0, value: 0 };
}

/** Adds a value; returns the average once `period` values were seen, else undefined. */
export function updateEma(ema: EmaState, x: number): number | undefined {
  if (ema.seen < ema.period) {
    ema.seen++;
    ema.value += x;
    if (ema.seen < ema.period) return undefined;
    ema.value /= ema.period;
    return ema.value;
  }
  ema.value += (2 / (ema.period + 1)) * (x - ema.value);
  return ema.value;
}

export function emaValue(ema: EmaState): number | undefined {
  return ema.seen >= ema.period ? ema.value : undefined;
}

/** A saved EMA when it has the period asked for, else a fresh one. */
export function reviveEma(saved: unknown, period: number): EmaState {
  const old = saved as Partial<EmaState> | undefined;
  if (old?.period === period && typeof old.seen === 'number' && typeof old.value === 'number')
    return { period, seen: old.seen, value: old.value };
  return createEma(period);
}
