/**
 * MACD: the fast EMA minus the slow EMA of the closes, its signal line (an EMA of the MACD line,
 * started once the slow EMA is), and the histogram (MACD − signal).
 */
import { createEma, emaValue, reviveEma, updateEma, type EmaState } from './ema.ts';

export interface MacdParams {
  fast: number;
  slow: number;
  signal: number;
}

export interface MacdState {
  fast: EmaState;
  slow: EmaState;
  signal: EmaState;
}

export interface MacdValues {
  macd: number;
  signal: number;
  histogram: number;
}

export function createMacd(params: MacdParams): MacdState {
  return { fast: createEma(params.fast), slow: createEma(params.slow), signal: createEma(params.signal) };
}

/** Adds a close; returns all three lines once the signal line is defined. */
export function updateMacd(macd: MacdState, close: number): MacdValues | undefined {
  const fast = updateEma(macd.fast, close);
  const slow = updateEma(macd.slow, close);
  if (fast === undefined || slow === undefined) return undefined;
  const line = fast - slow;
  const signal = updateEma(macd.signal, line);
  if (signal === undefined) return undefined;
  return { macd: line, signal, histogram: line - signal };
}

/** The fast and slow EMAs, once both are defined (the trend label uses them). */
export function macdAverages(macd: MacdState): { fast: number; slow: number } | undefined {
  const fast = emaValue(macd.fast);
  const slow = emaValue(macd.slow);
  return fast === undefined || slow === undefined ? undefined : { fast, slow };
}

export function reviveMacd(saved: unknown, params: MacdParams): MacdState {
  const old = saved as Partial<MacdState> | undefined;
  // The three lines only make sense together: a change of any period restarts them all.
  if (old?.fast?.period !== params.fast || old.slow?.period !== params.slow || old.signal?.period !== params.signal)
    return createMacd(params);
  return {
    fast: reviveEma(old.fast, params.fast),
    slow: reviveEma(old.slow, params.slow),
    signal: reviveEma(old.signal, params.signal),
  };
}
