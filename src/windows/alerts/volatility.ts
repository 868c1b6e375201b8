/** Volatility: the range of one bar, (high − low) / low in %, reaches `spreadPct`. */
import type { AlertRule } from '../../config/alert-rules.ts';
import { formatPrice, type RuleCheck } from './check.ts';

type VolatilityRule = Extract<AlertRule, { type: 'volatility' }>;

export function volatilityCheck(rule: VolatilityRule): RuleCheck<null> {
  return {
    createState: () => null,
    reviveState: () => null,
    measure(_state, bar) {
      const spreadPct = ((bar.high - bar.low) / bar.low) * 100;
      return {
        triggered: spreadPct >= rule.spreadPct,
        value: spreadPct,
        threshold: rule.spreadPct,
        message: `${bar.symbol} moved ${spreadPct.toFixed(2)}% within one ${bar.interval} bar (low ${formatPrice(bar.low)}, high ${formatPrice(bar.high)})`,
      };
    },
  };
}
