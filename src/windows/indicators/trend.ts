import type { Trend } from '../../model.ts';

/**
 * Up when the close is above the fast EMA and the fast EMA above the slow one (price and momentum
 * agree upward), down for the mirror image, flat when they disagree. Requiring all three in order
 * keeps a single noisy bar from flipping the label.
 */
export function trendOf(close: number, fastEma: number, slowEma: number): Trend {
  if (close > fastEma && fastEma > slowEma) return 'up';
  if (close < fastEma && fastEma < slowEma) return 'down';
  return 'flat';
}
