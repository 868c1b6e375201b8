/**
 * Moving-average crossover: the fast average crosses the slow one (bullish when it crosses above).
 * A touch (both equal) is not a cross; the side before the touch counts.
 */
import type { AlertRule } from '../../config/alert-rules.ts';
import { addClose, createCloses, reviveCloses, sma, type ClosesState } from '../indicators/closes.ts';
import { createEma, reviveEma, updateEma, type EmaState } from '../indicators/ema.ts';
import { formatPrice, type RuleCheck } from './check.ts';

type CrossoverRule = Extract<AlertRule, { type: 'ma-crossover' }>;

export interface CrossoverState {
  /** For SMAs: the last `slow` closes. */
  closes: ClosesState | null;
  /** For EMAs. */
  fast: EmaState | null;
  slow: EmaState | null;
  /** Which side the fast average was on: 1 above, -1 below, 0 not known yet. */
  side: number;
}

export function maCrossoverCheck(rule: CrossoverRule): RuleCheck<CrossoverState> {
  const name = rule.kind.toUpperCase();
  const isSma = rule.kind === 'sma';

  function createState(): CrossoverState {
    if (isSma) return { closes: createCloses(rule.slow), fast: null, slow: null, side: 0 };
    return { closes: null, fast: createEma(rule.fast), slow: createEma(rule.slow), side: 0 };
  }

  function averages(state: CrossoverState, close: number): [number | undefined, number | undefined] {
    if (state.closes) {
      addClose(state.closes, close);
      return [sma(state.closes, rule.fast), sma(state.closes, rule.slow)];
    }
    return [updateEma(state.fast as EmaState, close), updateEma(state.slow as EmaState, close)];
  }

  return {
    createState,
    reviveState(saved) {
      const old = saved as Partial<CrossoverState> | undefined;
      if (typeof old?.side !== 'number') return createState();
      if (isSma)
        return old.closes
          ? { closes: reviveCloses(old.closes, rule.slow), fast: null, slow: null, side: old.side }
          : createState();
      if (old.fast?.period !== rule.fast || old.slow?.period !== rule.slow) return createState();
      return {
        closes: null,
        fast: reviveEma(old.fast, rule.fast),
        slow: reviveEma(old.slow, rule.slow),
        side: old.side,
      };
    },
    measure(state, bar) {
      const [fast, slow] = averages(state, bar.close);
      if (fast === undefined || slow === undefined) return undefined;
      const side = Math.sign(fast - slow);
      const crossed = state.side !== 0 && side !== 0 && side !== state.side;
      if (side !== 0) state.side = side;
      return {
        triggered: crossed,
        value: fast - slow,
        threshold: 0,
        message:
          `${bar.symbol} ${name} ${rule.fast} crossed ${side > 0 ? 'above' : 'below'} ${name} ${rule.slow} ` +
          `(${side > 0 ? 'bullish' : 'bearish'}): ${formatPrice(fast)} vs ${formatPrice(slow)} on the ${bar.interval} bars`,
      };
    },
  };
}
