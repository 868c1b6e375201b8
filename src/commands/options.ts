/**
 * Option groups more than one command takes, declared once (help text included). The config side
 * of each group (flag → config path) is in src/config/overrides.ts, which watch uses as well.
 */
import { sourceNames } from '../sources/catalog.ts';
import { defineOptions } from './spec.ts';

/** The program's own options, before the command name. */
export const globalOptions = defineOptions({
  config: {
    flags: '-c, --config <path>',
    description: 'config file (default: search for stockstream.config.ts and friends)',
  },
  verbose: { flags: '-v, --verbose', description: 'debug logs and stack traces' },
  quiet: { flags: '-q, --quiet', description: 'only warnings and errors' },
  json: { flags: '--json', description: 'NDJSON logs on stderr and JSON data on stdout' },
  color: { flags: '--no-color', description: 'no colours (also honours NO_COLOR)' },
  logFile: { flags: '--log-file <path>', description: 'also append logs (NDJSON) to this file' },
});

export const symbolsOption = defineOptions({
  symbols: { flags: '-s, --symbols <list>', description: 'comma-separated tickers (default: config symbols)' },
});

/** Where ticks come from: `setSourceFlags` in src/config/overrides.ts applies them. */
export const sourceOptions = defineOptions({
  source: { flags: '--source <name>', description: 'where prices come from', choices: sourceNames },
  file: { flags: '--file <path>', description: 'replay: NDJSON or CSV file of ticks or bars' },
  speed: { flags: '--speed <x>', description: 'replay: pace multiplier; 0 = as fast as possible' },
  rate: { flags: '--rate <ticksPerSecond>', description: 'synthetic: ticks per second over all symbols' },
  seed: { flags: '--seed <n>', description: 'synthetic: random seed' },
});

/** The Kafka connection of produce and consume: `setKafkaFlags` applies them. */
export const kafkaOptions = defineOptions({
  topic: { flags: '--topic <name>', description: 'Kafka topic (default: kafka.topics.prices)' },
  brokers: { flags: '--brokers <list>', description: 'Kafka brokers, host:port,…' },
  connectTimeout: { flags: '--connect-timeout <duration>', description: 'give up connecting to Kafka after this long' },
});

/** The serving commands' metrics endpoint: `parseMetricsFlags` reads them. */
export const metricsOptions = defineOptions({
  metricsPort: {
    flags: '--metrics-port <port>',
    description: 'serve Prometheus metrics, /healthz and /readyz on this port',
  },
  metricsHost: {
    flags: '--metrics-host <address>',
    description: 'address the metrics server binds (default 127.0.0.1; 0.0.0.0 for all)',
  },
});
