/** The package's public API, for typed config files and programmatic use. */
export { defineConfig } from './config/define.ts';
export type { Config, UserConfig, AlertRule } from './config/schema.ts';
export type { Tick, Bar, IndicatorPoint, Alert, StockInfo, WindowOutput } from './model.ts';
