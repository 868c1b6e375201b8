import type { UserConfig } from './schema.ts';

/** Typed helper for `stockstream.config.ts`: `export default defineConfig({ symbols: ['AAPL'] })`. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}
