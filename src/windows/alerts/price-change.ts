/**
 * Price change over a window: from the open of the earliest bar that started within `window`
 * before this bar's end, to this bar's close. Bars of an earlier session fall out of the window,
 * so an overnight gap is not reported as a move.
 */
import type { AlertRule } from '../../config/alert-rules.ts';
import { formatPrice, type RuleCheck } from './check.ts';

type PriceChangeRule = Extract<AlertRule, { type: 'price-change' }>;

export interface PriceChangeState {
  /** Starts and opens of the bars inside the window, oldest first. */
  starts: number[];
  opens: number[];
}

export function priceChangeCheck(rule: PriceChangeRule): RuleCheck<PriceChangeState> {
  const windowMs = rule.window.ms;
  const threshold = rule.thresholdPct;
  return {
    createState: () => ({ starts: [], opens: [] }),
    reviveState(saved) {
      const old = saved as Partial<PriceChangeState> | undefined;
      if (!Array.isArray(old?.starts) || !Array.isArray(old.opens) || old.starts.length !== old.opens.length)
        return { starts: [], opens: [] };
      return { starts: old.starts, opens: old.opens };
    },
    measure(state, bar) {
      state.starts.push(bar.start);
      state.opens.push(bar.open);
      const from = bar.end - windowMs;
      // The bar itself always stays: with a window shorter than the bar, the change is within the bar.
      let drop = 0;
      while (drop < state.starts.length - 1 && (state.starts[drop] as number) < from) drop++;
      if (drop > 0) {
        state.starts.splice(0, drop);
        state.opens.splice(0, drop);
      }
      const reference = state.opens[0] as number;
      const changePct = ((bar.close - reference) / reference) * 100;
      const up = changePct >= threshold && rule.direction !== 'down';
      const down = changePct <= -threshold && rule.direction !== 'up';
      return {
        triggered: up || down,
        value: changePct,
        threshold: changePct < 0 ? -threshold : threshold,
        message:
          `${bar.symbol} ${changePct < 0 ? 'fell' : 'rose'} ${Math.abs(changePct).toFixed(2)}% in ${rule.window.text} ` +
          `(${formatPrice(reference)} → ${formatPrice(bar.close)}), past the ${threshold}% threshold`,
      };
    },
  };
}
