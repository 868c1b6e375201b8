/**
 * Wilder's RSI: the first average gain and loss are simple averages of the first `period` changes,
 * then each is smoothed as avg = (avg × (period − 1) + current) / period.
 */
export interface RsiState {
  period: number;
  /** Previous close; null before the first. */
  previous: number | null;
  /** Changes seen, up to `period` (only the seeding needs the count). */
  changes: number;
  /** Running sums while seeding, then the averages. */
  gain: number;
  loss: number;
}

export function createRsi(period: number): RsiState {
  return { period, previous: null, changes: 0, gain: 0, loss: 0 };
}

/** Adds a close; returns the RSI (0–100) once `period` changes were seen. */
export function updateRsi(rsi: RsiState, close: number): number | undefined {
  const previous = rsi.previous;
  rsi.previous = close;
  if (previous === null) return undefined;
  const change = close - previous;
  const gain = change > 0 ? change : 0;
  const loss = change < 0 ? -change : 0;
  const period = rsi.period;
  if (rsi.changes < period) {
    rsi.changes++;
    rsi.gain += gain;
    rsi.loss += loss;
    if (rsi.changes < period) return undefined;
    rsi.gain /= period;
    rsi.loss /= period;
  } else {
    rsi.gain = (rsi.gain * (period - 1) + gain) / period;
    rsi.loss = (rsi.loss * (period - 1) + loss) / period;
  }
  return rsiOf(rsi.gain, rsi.loss);
}

/** 100 when nothing fell, and 50 for a series that did not move at all (no side wins). */
function rsiOf(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}

export function reviveRsi(saved: unknown, period: number): RsiState {
  const old = saved as Partial<RsiState> | undefined;
  if (
    old?.period !== period ||
    typeof old.changes !== 'number' ||
    typeof old.gain !== 'number' ||
    typeof old.loss !== 'number'
  )
    return createRsi(period);
  return {
    period,
    previous: typeof old.previous === 'number' ? old.previous : null,
    changes: old.changes,
    gain: old.gain,
    loss: old.loss,
  };
}
