/**
 * The one source of truth for StockStream's configuration: types, defaults, validation and the docs
 * (the README's configuration reference is generated from this file by `npm run docs:config`).
 * Secrets are marked with `secret()` so `stockstream config` and the logs can redact them.
 */
import { z } from 'zod';
import { sinkCatalog, sinkNames } from '../sinks/catalog.ts';
import { sourceCatalog, sourceNames } from '../sources/catalog.ts';
import { alertRuleSchema } from './alert-rules.ts';
import type { ConfigSection, SchemaKit } from './section.ts';
import { barInterval, duration, symbolSchema } from './values.ts';

/** Marks a value as secret: redacted in printed config, logs and error messages. */
function secret<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ secret: true, description });
}

const broker = z.string().refine((s) => /^[^\s:]+:\d{1,5}$/.test(s), { message: 'is missing a port — use host:port' });

const kit: SchemaKit = { z, duration };

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type SectionOf<Spec> = Spec extends { config: ConfigSection<infer K, infer S> } ? { [P in K]: S } : never;
/** The config sections the components of a catalog declare, keyed as they declare them. */
type Sections<Catalog extends readonly unknown[]> = UnionToIntersection<SectionOf<Catalog[number]>>;

function sections<const Catalog extends readonly { name: string; config?: ConfigSection }[]>(
  catalog: Catalog,
): Sections<Catalog> {
  return Object.fromEntries(
    catalog.flatMap((spec) => (spec.config ? [[spec.config.key, spec.config.schema(kit)]] : [])),
  ) as Sections<Catalog>;
}

export const configSchema = z.object({
  symbols: z
    .array(symbolSchema)
    .min(1, { message: 'needs at least one symbol, like ["AAPL", "MSFT"]' })
    .default(['AAPL', 'MSFT', 'GOOGL', 'AMZN', 'NVDA', 'META', 'TSLA'])
    .describe('Ticker symbols to follow.'),

  kafka: z
    .object({
      brokers: z.array(broker).min(1).default(['127.0.0.1:9092']).describe('Bootstrap brokers, host:port.'),
      clientId: z.string().min(1).default('stockstream'),
      groupId: z.string().min(1).default('stockstream-consumer').describe('Consumer group of `consume`.'),
      partitions: z.number().int().min(1).default(4).describe('Partitions of topics StockStream creates.'),
      replicationFactor: z.number().int().min(1).default(1),
      connectTimeout: duration('Give up connecting to Kafka after this long.').prefault('30s'),
      checkpointInterval: duration(
        '`consume` writes changed window state to the state topic and commits offsets this often. Longer: fewer state writes (a symbol that ticks is written once a round); shorter: less to read again after a crash.',
      ).prefault('5s'),
      processingGuarantee: z
        .enum(['at-least-once', 'exactly-once'])
        .default('exactly-once')
        .describe(
          "`consume`: exactly-once writes the state records, dead letters and the kafka sink's outputs in one Kafka transaction per checkpoint round together with the consumed offsets, so a read_committed reader sees each once even after a crash (they appear when the round commits). at-least-once writes them as they come and may repeat some after a crash. InfluxDB and PostgreSQL are idempotent either way.",
        ),
      topics: z
        .object({
          prices: z.string().min(1).default('real-time-stock-prices').describe('Ticks, keyed by symbol.'),
          info: z.string().min(1).default('stock-general-information').describe('Stock metadata, compacted.'),
          bars: z.string().min(1).default('stock-bars').describe('Closed bars from the kafka sink.'),
          indicators: z.string().min(1).default('stock-indicators').describe('Indicator points from the kafka sink.'),
          alerts: z.string().min(1).default('stock-alerts').describe('Alerts from the kafka sink.'),
          state: z
            .string()
            .min(1)
            .default('stockstream-consumer-state')
            .describe('Compacted changelog of window state.'),
        })
        .prefault({})
        .describe('Topic names; dead letters go to `<topic>.dlq`.'),
      compression: z
        .enum(['none', 'gzip'])
        .default('none')
        .describe(
          'Compression of what StockStream produces. gzip saves network but costs about 30% of producer throughput on 2 cores.',
        ),
      ssl: z.boolean().default(false).describe('Connect with TLS.'),
      sasl: z
        .object({
          mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
          username: z.string().min(1),
          password: secret(z.string().min(1), 'SASL password.'),
        })
        .optional()
        .describe('SASL authentication; leave out for none.'),
    })
    .prefault({}),

  source: z
    .object({
      name: z.enum(sourceNames).default('yahoo').describe('Where ticks come from.'),
      extendedHours: z.boolean().default(false).describe('Also emit ticks in pre- and post-market sessions.'),
      backfill: duration('Publish historical bars from this far back before going live.').optional(),
      backfillInterval: z.enum(['1m', '2m', '5m', '15m', '30m', '60m', '90m']).default('1m'),
      ...sections(sourceCatalog),
    })
    .prefault({}),

  windows: z
    .object({
      allowedLateness: duration('How late a tick may arrive and still count in its window.').prefault('5s'),
      maxFutureSkew: duration(
        'Dead-letter ticks stamped more than this ahead of the wall clock at arrival (stage future); one far-future tick would otherwise move the watermark and make every later tick late.',
      ).prefault('1m'),
      idleTimeout: duration('Close windows of a symbol that stayed quiet this long (wall clock).').prefault('10s'),
      timezone: z.string().default('America/New_York').describe('Exchange time zone that bars and sessions align to.'),
      bars: z
        .object({
          intervals: z.array(barInterval).min(1).default(['1m', '5m']).describe('Tumbling bar sizes.'),
          interim: duration('Also emit the open bar this often (for live dashboards).').optional(),
        })
        .prefault({}),
      indicators: z
        .object({
          enabled: z.boolean().default(true),
          sma: z.array(z.number().int().min(2)).default([20, 50]),
          ema: z.array(z.number().int().min(2)).default([12, 26]),
          rsi: z.number().int().min(2).default(14),
          macd: z
            .object({
              fast: z.number().int().min(2).default(12),
              slow: z.number().int().min(3).default(26),
              signal: z.number().int().min(2).default(9),
            })
            .prefault({}),
          bollinger: z
            .object({ period: z.number().int().min(2).default(20), stdDev: z.number().positive().default(2) })
            .prefault({}),
        })
        .prefault({}),
      alerts: z
        .object({
          rules: z
            .array(alertRuleSchema)
            .prefault([
              {
                name: 'drop-2pct-5m',
                type: 'price-change',
                window: '5m',
                thresholdPct: 2,
                direction: 'down',
                severity: 'warning',
              },
              {
                name: 'spike-2pct-5m',
                type: 'price-change',
                window: '5m',
                thresholdPct: 2,
                direction: 'up',
                severity: 'info',
              },
              { name: 'volume-3x', type: 'volume-spike', multiple: 3, lookback: 20 },
              { name: 'wide-bar', type: 'volatility', spreadPct: 1.5 },
              { name: 'ema-12-26-cross', type: 'ma-crossover', kind: 'ema', fast: 12, slow: 26, severity: 'info' },
            ] satisfies z.input<typeof alertRuleSchema>[])
            .describe('Alert rules evaluated on closed bars.'),
        })
        .prefault({}),
    })
    .prefault({}),

  sinks: z
    .object({
      enabled: z.array(z.enum(sinkNames)).default(['influx']).describe('Sinks `consume` writes to.'),
      writeTicks: z.boolean().default(true).describe('Also write every tick (not only bars) to InfluxDB.'),
      batchSize: z.number().int().min(1).default(10_000).describe('Outputs per sink write.'),
      flushInterval: duration(
        'Write a partial batch after this long (it bounds what a tick waits for a write at low rates).',
      ).prefault('50ms'),
      maxBuffered: z
        .number()
        .int()
        .min(1)
        .default(100_000)
        .describe('Outputs buffered per sink before partitions pause.'),
      ...sections(sinkCatalog),
    })
    .prefault({}),

  influx: z
    .object({
      url: z.string().url().default('http://127.0.0.1:8086'),
      token: secret(z.string().default('stockstream-dev-token'), 'API token (INFLUX_TOKEN).'),
      org: z.string().min(1).default('stockstream'),
      bucket: z.string().min(1).default('stocks'),
      measurements: z
        .object({
          ticks: z.string().min(1).default('stock_ticks'),
          bars: z.string().min(1).default('stock_bars'),
          indicators: z.string().min(1).default('stock_indicators'),
          alerts: z.string().min(1).default('stock_alerts'),
        })
        .prefault({}),
    })
    .prefault({}),

  postgres: z
    .object({
      url: secret(
        z.string().refine((s) => /^postgres(ql)?:\/\//.test(s), {
          message: 'is not a PostgreSQL URL — use postgres://user:password@host:5432/db',
        }),
        'Connection URL (DATABASE_URL); its password is redacted.',
      ).default('postgres://stockstream:stockstream@127.0.0.1:5432/stockstream'),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/, { message: 'is not a plain schema name — use lower-case letters, digits and _' })
        .default('public'),
    })
    .prefault({}),

  grafana: z
    .object({
      url: z.string().url().default('http://127.0.0.1:3000'),
      token: secret(z.string().optional(), 'Service-account token (GRAFANA_TOKEN).'),
      folder: z.string().min(1).default('StockStream'),
    })
    .prefault({}),

  logging: z
    .object({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      file: z.string().optional().describe('Also append logs to this file.'),
    })
    .prefault({}),
});

/** What a config file may contain: every key optional. */
export type UserConfig = z.input<typeof configSchema>;
/** The resolved config after defaults, environment and flags. */
export type Config = z.output<typeof configSchema>;
export type { AlertRule } from './alert-rules.ts';
export type { SinkName } from '../sinks/catalog.ts';
export type { SourceName } from '../sources/catalog.ts';
