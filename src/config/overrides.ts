/**
 * Turns command-line flag values into config overrides, with usage errors that name the flag. It
 * lives with the config (not with the commands) because `watch/options.ts` builds overrides too.
 */
import { UsageError } from '../errors.ts';
import { isDuration, parseDuration } from '../util/duration.ts';
import type { ConfigInput } from './load.ts';
import { symbolSchema } from './values.ts';

export interface FlagOverrides {
  /** Config-shaped values taken from flags. */
  values: ConfigInput;
  /** dotted config path → the flag that set it, for error messages. */
  origins: Record<string, string>;
}

/** `--symbols "AAPL, msft"` → ['AAPL', 'MSFT']; empty entries and bad tickers are usage errors. */
export function parseSymbols(raw: string | string[], flag = '--symbols'): string[] {
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((part) => part.split(','));
  if (parts.length === 0) throw new UsageError(`${flag} is empty`, 'list tickers, like --symbols AAPL,MSFT');
  return parts.map((part, index) => {
    const trimmed = part.trim();
    if (trimmed === '')
      throw new UsageError(
        `${flag}: entry ${index + 1} is empty`,
        'separate tickers with single commas, like AAPL,MSFT',
      );
    const parsed = symbolSchema.safeParse(trimmed);
    if (!parsed.success) {
      throw new UsageError(
        `${flag}: "${trimmed}" is not a ticker symbol`,
        'use letters, digits, ".", "-", "^" or "=", like AAPL, BRK-B or ^GSPC',
      );
    }
    return parsed.data;
  });
}

export function parseList(raw: string): string[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

export function parseNumber(
  raw: string,
  flag: string,
  { integer = false, min }: { integer?: boolean; min?: number } = {},
): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(
      `${flag}: "${raw}" is not a ${integer ? 'whole number' : 'number'}`,
      `pass a number, like ${flag} 10`,
    );
  }
  if (min !== undefined && value < min) throw new UsageError(`${flag}: ${raw} is too small`, `use a value >= ${min}`);
  return value;
}

export function parseDurationFlag(raw: string, flag: string): string {
  if (!isDuration(raw))
    throw new UsageError(
      `${flag}: "${raw}" is not a duration`,
      'use a number and a unit, like 500ms, 2s, 1m, 4h or 30d',
    );
  return raw;
}

/** An ISO 8601 date or time (`2026-03-02`, `2026-03-02T14:30:00Z`) as epoch ms. */
export function parseTime(raw: string, flag: string): number {
  const time = Date.parse(raw);
  if (Number.isNaN(time))
    throw new UsageError(
      `${flag}: "${raw}" is not a date or time`,
      'use ISO 8601, like 2026-03-02 or 2026-03-02T14:30:00Z',
    );
  return time;
}

/** `--since 10m` (that long ago) or `--since 2026-03-02T14:30` (a time, as parseTime reads it) as epoch ms. */
export function parseSince(raw: string, flag = '--since', now = Date.now()): number {
  if (isDuration(raw)) return now - parseDuration(raw);
  const time = Date.parse(raw);
  if (Number.isNaN(time))
    throw new UsageError(
      `${flag}: "${raw}" is neither a duration nor a time`,
      `use a duration ago, like ${flag} 10m, or ISO 8601, like ${flag} 2026-03-02T14:30`,
    );
  return time;
}

/** `--metrics-port` and `--metrics-host` of the serving commands (consume, produce). */
export function parseMetricsFlags(flags: { metricsPort?: string; metricsHost?: string }): {
  metricsPort?: number;
  metricsHost?: string;
} {
  const metricsPort =
    flags.metricsPort === undefined
      ? undefined
      : parseNumber(flags.metricsPort, '--metrics-port', { integer: true, min: 1 });
  if (metricsPort !== undefined && metricsPort > 65_535)
    throw new UsageError(`--metrics-port: ${metricsPort} is not a port`, 'use 1–65535, like --metrics-port 9464');
  if (flags.metricsHost !== undefined && metricsPort === undefined) {
    throw new UsageError(
      '--metrics-host needs --metrics-port',
      'add --metrics-port 9464 (metrics are off without a port)',
    );
  }
  const metricsHost = flags.metricsHost?.trim();
  if (metricsHost === '')
    throw new UsageError('--metrics-host is empty', 'pass an address of this machine, like --metrics-host 0.0.0.0');
  return { metricsPort, metricsHost };
}

/** Collects flag values into a config-shaped object: `set('source.synthetic.rate', 1000, '--rate')`. */
export class OverrideBuilder {
  private readonly result: FlagOverrides = { values: {}, origins: {} };

  set(dotted: string, value: unknown, flag: string): this {
    if (value === undefined) return this;
    const path = dotted.split('.');
    let node = this.result.values;
    for (const key of path.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
    this.result.origins[dotted] = flag;
    return this;
  }

  build(): FlagOverrides {
    return this.result;
  }
}

const optional = <T>(raw: string | undefined, parse: (raw: string) => T): T | undefined =>
  raw === undefined ? undefined : parse(raw);

/** The flags of the shared source option group (src/commands/options.ts `sourceOptions`). */
export interface SourceFlags {
  source?: string;
  file?: string;
  speed?: string;
  rate?: string;
  seed?: string;
}

/** `--source`, `--file`, `--speed`, `--rate`, `--seed` → `source.*`; `minRate` is the smallest --rate accepted. */
export function setSourceFlags(
  builder: OverrideBuilder,
  flags: SourceFlags,
  { minRate }: { minRate?: number } = {},
): OverrideBuilder {
  return builder
    .set('source.name', flags.source, '--source')
    .set('source.replay.file', flags.file, '--file')
    .set(
      'source.replay.speed',
      optional(flags.speed, (raw) => parseNumber(raw, '--speed', { min: 0 })),
      '--speed',
    )
    .set(
      'source.synthetic.rate',
      optional(flags.rate, (raw) => parseNumber(raw, '--rate', { min: minRate })),
      '--rate',
    )
    .set(
      'source.synthetic.seed',
      optional(flags.seed, (raw) => parseNumber(raw, '--seed', { integer: true })),
      '--seed',
    );
}

/** The flags of the shared Kafka connection option group (`kafkaOptions`). */
export interface KafkaFlags {
  topic?: string;
  brokers?: string;
  connectTimeout?: string;
}

/** `--topic`, `--brokers`, `--connect-timeout` → `kafka.*`. */
export function setKafkaFlags(builder: OverrideBuilder, flags: KafkaFlags): OverrideBuilder {
  return builder
    .set('kafka.topics.prices', flags.topic, '--topic')
    .set('kafka.brokers', optional(flags.brokers, parseList), '--brokers')
    .set(
      'kafka.connectTimeout',
      optional(flags.connectTimeout, (raw) => parseDurationFlag(raw, '--connect-timeout')),
      '--connect-timeout',
    );
}

export { optional as parseOptional };
