/**
 * The last closes of a series, enough for every simple average and Bollinger band asked for.
 * Averages are summed afresh on each bar (bars are rare next to ticks) so no rounding error drifts.
 */
export interface ClosesState {
  capacity: number;
  /** Oldest first. */
  values: number[];
}

export function createCloses(capacity: number): ClosesState {
  return { capacity, values: [] };
}

export function addClose(closes: ClosesState, close: number): void {
  closes.values.push(close);
  if (closes.values.length > closes.capacity) closes.values.shift();
}

/** Simple average of the last `period` closes, once there are that many. */
export function sma(closes: ClosesState, period: number): number | undefined {
  const values = closes.values;
  if (values.length < period) return undefined;
  let sum = 0;
  for (let i = values.length - period; i < values.length; i++) sum += values[i] as number;
  return sum / period;
}

export interface Bands {
  upper: number;
  middle: number;
  lower: number;
}

/** Bollinger bands: the SMA ± `width` population standard deviations of the last `period` closes. */
export function bollinger(closes: ClosesState, period: number, width: number): Bands | undefined {
  const middle = sma(closes, period);
  if (middle === undefined) return undefined;
  const values = closes.values;
  let squares = 0;
  for (let i = values.length - period; i < values.length; i++) {
    const d = (values[i] as number) - middle;
    squares += d * d;
  }
  const spread = width * Math.sqrt(squares / period);
  return { upper: middle + spread, middle, lower: middle - spread };
}

/** Saved closes, cut or kept to the capacity asked for. */
export function reviveCloses(saved: unknown, capacity: number): ClosesState {
  const old = saved as Partial<ClosesState> | undefined;
  const values = Array.isArray(old?.values) ? old.values.filter((v): v is number => typeof v === 'number') : [];
  return { capacity, values: values.slice(Math.max(0, values.length - capacity)) };
}
