/** Window operators: event-time bars, indicators and alerts, shared by `consume` and `watch`. */
export { createWindowPipeline, SNAPSHOT_VERSION, windowOperators, type WindowPipelineOptions } from './pipeline.ts';
export { parseWindowSettings, type WindowSettings, type BarInterval, type WindowsConfig } from './settings.ts';
export { SessionCalendar, type TradingDay } from './calendar.ts';
export {
  BOLLINGER_FIELDS,
  emaField,
  indicatorFields,
  rsiField,
  smaField,
  type IndicatorFields,
} from './indicators/fields.ts';
export type { LateTick, SymbolSnapshot, WindowPipeline, WindowOperatorModule } from './types.ts';
