/**
 * The field names of indicator points (`sma_20`, `ema_12`, `rsi_14`, `macd`, `bb_upper`, `vwap`):
 * the operator writes them, and dashboards, watch's table and the web page ask for them by these
 * names, so a renamed field cannot leave a panel or a column empty.
 */
import type { Config } from '../../config/schema.ts';

type IndicatorsConfig = Config['windows']['indicators'];

export const smaField = (period: number): string => `sma_${period}`;
export const emaField = (period: number): string => `ema_${period}`;
export const rsiField = (period: number): string => `rsi_${period}`;
export const MACD_FIELDS = { line: 'macd', signal: 'macd_signal', histogram: 'macd_histogram' } as const;
export const BOLLINGER_FIELDS = { upper: 'bb_upper', middle: 'bb_middle', lower: 'bb_lower' } as const;
export const VWAP_FIELD = 'vwap';

export interface IndicatorFields {
  /** Drawn over the candles: moving averages and the Bollinger band. */
  overlays: string[];
  rsi: string;
  macd: typeof MACD_FIELDS;
}

/** The fields the pipeline writes for the configured periods, so readers ask for exactly those. */
export function indicatorFields(indicators: IndicatorsConfig): IndicatorFields {
  const { sma, ema, rsi } = indicators;
  return {
    overlays: [
      ...sma.map(smaField),
      ...ema.map(emaField),
      BOLLINGER_FIELDS.upper,
      BOLLINGER_FIELDS.middle,
      BOLLINGER_FIELDS.lower,
    ],
    rsi: rsiField(rsi),
    macd: MACD_FIELDS,
  };
}
