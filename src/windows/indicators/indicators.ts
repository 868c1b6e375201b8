/**
 * Indicators on each closed bar, per symbol and interval: SMA, EMA, RSI, MACD, Bollinger bands,
 * session VWAP and a trend label. A value appears only once its indicator has enough bars.
 * trading-signals is not used for the state: its objects keep private fields (no snapshot), and
 * EMA, RSI and MACD remember all history, so they cannot be rebuilt exactly from the last N closes.
 * The state here is the few numbers each formula needs, as plain JSON.
 */
import type { Bar, IndicatorPoint, Trend, WindowOutput } from '../../model.ts';
import { savedEntries } from '../saved.ts';
import type { WindowsConfig } from '../settings.ts';
import type { BarOperator, BarOperatorModule, OperatorEnv } from '../types.ts';
import { addClose, bollinger, createCloses, reviveCloses, sma, type ClosesState } from './closes.ts';
import { createEma, reviveEma, updateEma, type EmaState } from './ema.ts';
import { createMacd, macdAverages, reviveMacd, updateMacd, type MacdState } from './macd.ts';
import { createRsi, reviveRsi, updateRsi, type RsiState } from './rsi.ts';
import { createSessionVwap, reviveSessionVwap, updateSessionVwap, type SessionVwapState } from './session-vwap.ts';
import { BOLLINGER_FIELDS, emaField, MACD_FIELDS, rsiField, smaField, VWAP_FIELD } from './fields.ts';

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

/** Indicator state of one symbol and interval. */
export interface SeriesState {
  closes: ClosesState;
  /** One per configured EMA period, in config order. */
  ema: EmaState[];
  rsi: RsiState;
  macd: MacdState;
  vwap: SessionVwapState;
}

export interface IndicatorsState {
  symbol: string;
  /** By bar interval label. */
  series: Record<string, SeriesState>;
}

export function createIndicatorsOperator(
  config: WindowsConfig['indicators'],
  env: OperatorEnv,
): BarOperator<IndicatorsState> {
  const smaPeriods = [...new Set(config.sma)];
  const emaPeriods = [...new Set(config.ema)];
  const smaKeys = smaPeriods.map(smaField);
  const emaKeys = emaPeriods.map(emaField);
  const rsiKey = rsiField(config.rsi);
  const bands = config.bollinger;
  const capacity = Math.max(bands.period, ...smaPeriods);

  function createSeries(): SeriesState {
    return {
      closes: createCloses(capacity),
      ema: emaPeriods.map(createEma),
      rsi: createRsi(config.rsi),
      macd: createMacd(config.macd),
      vwap: createSessionVwap(),
    };
  }

  function reviveSeries(saved: Partial<SeriesState>): SeriesState {
    const savedEma = Array.isArray(saved.ema) ? saved.ema : [];
    return {
      closes: reviveCloses(saved.closes, capacity),
      ema: emaPeriods.map((period) =>
        reviveEma(
          savedEma.find((ema) => ema?.period === period),
          period,
        ),
      ),
      rsi: reviveRsi(saved.rsi, config.rsi),
      macd: reviveMacd(saved.macd, config.macd),
      vwap: reviveSessionVwap(saved.vwap),
    };
  }

  function compute(series: SeriesState, bar: Bar): IndicatorPoint['values'] {
    const values: IndicatorPoint['values'] = {};
    addClose(series.closes, bar.close);
    for (let i = 0; i < smaPeriods.length; i++) {
      const value = sma(series.closes, smaPeriods[i] as number);
      if (value !== undefined) values[smaKeys[i] as string] = value;
    }
    for (let i = 0; i < emaPeriods.length; i++) {
      const value = updateEma(series.ema[i] as EmaState, bar.close);
      if (value !== undefined) values[emaKeys[i] as string] = value;
    }
    const rsi = updateRsi(series.rsi, bar.close);
    if (rsi !== undefined) values[rsiKey] = rsi;
    const macd = updateMacd(series.macd, bar.close);
    if (macd !== undefined) {
      values[MACD_FIELDS.line] = macd.macd;
      values[MACD_FIELDS.signal] = macd.signal;
      values[MACD_FIELDS.histogram] = macd.histogram;
    }
    const band = bollinger(series.closes, bands.period, bands.stdDev);
    if (band !== undefined) {
      values[BOLLINGER_FIELDS.upper] = band.upper;
      values[BOLLINGER_FIELDS.middle] = band.middle;
      values[BOLLINGER_FIELDS.lower] = band.lower;
    }
    const vwap = updateSessionVwap(series.vwap, env.calendar.dayOf(bar.start).start, bar.vwap, bar.volume);
    if (vwap !== undefined) values[VWAP_FIELD] = vwap;
    return values;
  }

  return {
    name: 'indicators',
    createState: (symbol) => ({ symbol, series: {} }),

    reviveState(symbol, saved) {
      const state: IndicatorsState = { symbol, series: {} };
      for (const [interval, series] of savedEntries(saved, 'series')) state.series[interval] = reviveSeries(series);
      return state;
    },

    onBar(state, bar, out: WindowOutput[]) {
      const series = (state.series[bar.interval] ??= createSeries());
      const values = compute(series, bar);
      const point: IndicatorPoint = { symbol: bar.symbol, interval: bar.interval, time: bar.start, values };
      const averages = macdAverages(series.macd);
      if (averages !== undefined) point.trend = trendOf(bar.close, averages.fast, averages.slow);
      if (Object.keys(values).length > 0) out.push({ kind: 'indicator', point });
    },
  };
}

export const indicatorsModule: BarOperatorModule = {
  name: 'indicators',
  stage: 'bars',
  description: 'SMA, EMA, RSI, MACD, Bollinger bands, session VWAP and a trend label on every closed bar.',
  example:
    'windows: { indicators: { sma: [20, 50], ema: [12, 26], rsi: 14, macd: { fast: 12, slow: 26, signal: 9 }, bollinger: { period: 20, stdDev: 2 } } }',
  create: (windows, env) =>
    windows.indicators.enabled ? createIndicatorsOperator(windows.indicators, env) : undefined,
};
