/**
 * Which indicator fields the pipeline writes for the configured periods (`sma_20`, `ema_12`,
 * `rsi_14`, `bb_upper`…), so panels ask for exactly the fields that exist.
 */
import type { Config } from '../config/schema.ts';
import { parseDuration } from '../util/duration.ts';

export interface IndicatorFields {
  /** Drawn over the candles: moving averages and the Bollinger band. */
  overlays: string[];
  rsi: string;
  macd: { line: string; signal: string; histogram: string };
}

export function indicatorFields(config: Config): IndicatorFields {
  const { sma, ema, rsi } = config.windows.indicators;
  return {
    overlays: [...sma.map((n) => `sma_${n}`), ...ema.map((n) => `ema_${n}`), 'bb_upper', 'bb_middle', 'bb_lower'],
    rsi: `rsi_${rsi}`,
    macd: { line: 'macd', signal: 'macd_signal', histogram: 'macd_histogram' },
  };
}

/** Bar intervals from the shortest to the longest: the shortest is the finest view of a session. */
export function barIntervals(config: Config): string[] {
  return [...config.windows.bars.intervals].sort((a, b) => parseDuration(a) - parseDuration(b));
}
