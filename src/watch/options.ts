/**
 * `watch` flags → config overrides (what the config file could also say) and view options (what
 * only the screen needs), plus the few config adjustments watch makes after loading.
 */
import { configSchema, type Config } from '../config/schema.ts';
import {
  OverrideBuilder,
  parseDurationFlag,
  parseNumber,
  parseSymbols,
  setSourceFlags,
  type FlagOverrides,
} from '../config/overrides.ts';
import { UsageError } from '../errors.ts';
import { parseDuration } from '../util/duration.ts';
import { SORT_FIELDS, type SortField } from '../display/live-model.ts';

/** The flags as commander hands them over (declared in src/cli.ts). */
export interface WatchFlags {
  symbols?: string[];
  source?: string;
  file?: string;
  speed?: string;
  rate?: string;
  seed?: string;
  interval?: string;
  sort?: string;
  bars?: string;
  sink?: boolean;
  limit?: string;
  web?: boolean;
  port?: string;
  open?: boolean;
}

export interface WatchViewOptions {
  interval: string;
  sort: SortField;
  sparkBars: number;
  /** Stop after this many ticks. */
  limit?: number;
  sink: boolean;
  /** --rate was given: the synthetic rate is the user's, not watch's lively default. */
  rateFromFlag: boolean;
  /** Symbols were given as arguments: show only those, even when a replay file holds more. */
  symbolsFromArguments: boolean;
  /** --web: also serve the charts page on 127.0.0.1 at this port (0: any free one). */
  web?: { port: number; open: boolean };
}

/** Ticks per second per symbol of the synthetic source when neither --rate nor a config file sets one. */
export const LIVELY_RATE_PER_SYMBOL = 20;
const MAX_SPARK_BARS = 200;

function parseSort(raw: string | undefined): SortField {
  const sort = raw ?? 'symbol';
  if (!(SORT_FIELDS as readonly string[]).includes(sort)) {
    throw new UsageError(`--sort: "${sort}" is not a column to sort by`, `use one of ${SORT_FIELDS.join(', ')}`);
  }
  return sort as SortField;
}

export function parseWatchFlags(flags: WatchFlags): { overrides: FlagOverrides; view: WatchViewOptions } {
  const builder = new OverrideBuilder();
  if (flags.symbols !== undefined && flags.symbols.length > 0)
    builder.set('symbols', parseSymbols(flags.symbols, 'symbols'), 'symbols');
  // A file means a replay; saying --source replay as well would be redundant.
  const source = flags.source ?? (flags.file !== undefined ? 'replay' : undefined);
  setSourceFlags(builder, { ...flags, source }, { minRate: 0.001 });
  const view: WatchViewOptions = {
    interval: parseDurationFlag(flags.interval ?? '1m', '--interval'),
    sort: parseSort(flags.sort),
    sparkBars: parseNumber(flags.bars ?? '20', '--bars', { integer: true, min: 1 }),
    limit: flags.limit === undefined ? undefined : parseNumber(flags.limit, '--limit', { integer: true, min: 1 }),
    sink: flags.sink ?? false,
    rateFromFlag: flags.rate !== undefined,
    symbolsFromArguments: flags.symbols !== undefined && flags.symbols.length > 0,
    web: flags.web
      ? { port: parseNumber(flags.port ?? '8080', '--port', { integer: true, min: 0 }), open: flags.open ?? false }
      : undefined,
  };
  if (!flags.web && (flags.port !== undefined || flags.open))
    throw new UsageError(
      `${flags.port !== undefined ? '--port' : '--open'} needs --web`,
      'add --web to serve the charts page',
    );
  if (view.sparkBars > MAX_SPARK_BARS)
    throw new UsageError(`--bars: ${view.sparkBars} is too many`, `use at most ${MAX_SPARK_BARS}`);
  return { overrides: builder.build(), view };
}

const SCHEMA_SYNTHETIC_RATE = configSchema.parse({}).source.synthetic.rate;

/**
 * The config watch runs with: the watched interval is one of the bar intervals (the configured
 * label when one has the same length, so `60m` finds `1h`), and the synthetic source is lively
 * unless --rate or the config file chose a rate.
 */
export function watchConfig(config: Config, view: WatchViewOptions): { config: Config; interval: string } {
  const ms = parseDuration(view.interval);
  const configured = config.windows.bars.intervals.find((label) => parseDuration(label) === ms);
  const interval = configured ?? view.interval;
  const intervals = configured ? config.windows.bars.intervals : [...config.windows.bars.intervals, interval];
  const lively = !view.rateFromFlag && config.source.synthetic.rate === SCHEMA_SYNTHETIC_RATE;
  const synthetic = lively
    ? { ...config.source.synthetic, rate: LIVELY_RATE_PER_SYMBOL * config.symbols.length }
    : config.source.synthetic;
  return {
    interval,
    config: {
      ...config,
      source: { ...config.source, synthetic },
      windows: { ...config.windows, bars: { ...config.windows.bars, intervals } },
    },
  };
}
