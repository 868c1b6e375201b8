/**
 * The text of every panel query, made from the config's bucket, measurement, schema and field
 * names so a renamed measurement or another indicator period changes the dashboards with it.
 * Dashboard variables: `symbol` (one ticker) and `interval` (one bar size).
 */
import type { Config } from '../config/schema.ts';
import { anyOf, fluxList, fluxString, fromRange, lines, pivotKeep } from './flux.ts';
import { parseDuration } from '../util/duration.ts';
import { indicatorFields } from '../windows/indicators/fields.ts';

const SYMBOL = 'r.symbol == "${symbol}"';
const SYMBOL_AND_INTERVAL = `${SYMBOL} and r.interval == "\${interval}"`;
const OHLC = ['open', 'high', 'low', 'close'];

/** Bar intervals from the shortest to the longest: the shortest is the finest view of a session. */
export function barIntervals(config: Config): string[] {
  return [...config.windows.bars.intervals].sort((a, b) => parseDuration(a) - parseDuration(b));
}

function measurement(name: string): string {
  return `r._measurement == ${fluxString(name)}`;
}

/** Where the live price comes from: every tick when ticks are stored, else the finest bars' close. */
function pricePredicate(config: Config): string {
  const { measurements } = config.influx;
  if (config.sinks.writeTicks) return `${measurement(measurements.ticks)} and r._field == "price"`;
  return `${measurement(measurements.bars)} and r.interval == ${fluxString(barIntervals(config)[0]!)} and r._field == "close"`;
}

/**
 * Change % as `watch` computes it: the last price against the previous close, which the ticks carry
 * (the latest one in the range; without any, the first price of the range, like watch's first tick).
 */
function changeFromPreviousClose(bucket: string, ticks: string): string {
  return lines([
    ...fromRange(bucket, `${measurement(ticks)} and (r._field == "price" or r._field == "previous_close")`),
    '  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")',
    '  |> filter(fn: (r) => exists r.price)',
    '  |> reduce(',
    '    identity: {n: 0, first: 0.0, last: 0.0, previousClose: 0.0},',
    '    fn: (r, accumulator) => ({',
    '      n: accumulator.n + 1,',
    '      first: if accumulator.n == 0 then r.price else accumulator.first,',
    '      last: r.price,',
    '      previousClose: if exists r.previous_close then r.previous_close else accumulator.previousClose,',
    '    }),',
    '  )',
    '  |> map(fn: (r) => ({r with reference: if r.previousClose > 0.0 then r.previousClose else r.first}))',
    '  |> map(fn: (r) => ({symbol: r.symbol, _value: (r.last - r.reference) / r.reference * 100.0}))',
    '  |> keep(columns: ["symbol", "_value"])',
  ]);
}

/** Without stored ticks there is no previous close: the change from the first to the last bar close of the range. */
function changeOverRange(bucket: string, predicate: string): string {
  return lines([
    ...fromRange(bucket, predicate),
    '  |> reduce(',
    '    identity: {n: 0, first: 0.0, last: 0.0},',
    '    fn: (r, accumulator) => ({n: accumulator.n + 1, first: if accumulator.n == 0 then r._value else accumulator.first, last: r._value}),',
    '  )',
    '  |> map(fn: (r) => ({symbol: r.symbol, _value: (r.last - r.first) / r.first * 100.0}))',
    '  |> keep(columns: ["symbol", "_value"])',
  ]);
}

export function overviewQueries(config: Config) {
  const { bucket, measurements } = config.influx;
  const finest = barIntervals(config)[0]!;
  return {
    /** Last price per symbol, one series each, downsampled for the sparkline. */
    price: lines([
      ...fromRange(bucket, pricePredicate(config)),
      '  |> aggregateWindow(every: v.windowPeriod, fn: last, createEmpty: false)',
      '  |> keep(columns: ["_time", "_value", "symbol"])',
    ]),
    /** The last price against the previous close, as `watch` shows it. */
    changePct: config.sinks.writeTicks
      ? changeFromPreviousClose(bucket, measurements.ticks)
      : changeOverRange(bucket, pricePredicate(config)),
    /** Traded volume in the range: the sum of the finest bars' volumes. */
    volume: lines([
      ...fromRange(
        bucket,
        `${measurement(measurements.bars)} and r.interval == ${fluxString(finest)} and r._field == "volume"`,
      ),
      '  |> group(columns: ["symbol"])',
      '  |> sum()',
      '  |> keep(columns: ["symbol", "_value"])',
    ]),
    /** The latest alerts of all symbols, newest first. */
    alerts: lines([
      ...fromRange(bucket, measurement(measurements.alerts)),
      '  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")',
      '  |> group()',
      '  |> keep(columns: ["_time", "symbol", "severity", "rule", "type", "interval", "message", "value", "threshold"])',
      '  |> sort(columns: ["_time"], desc: true)',
      '  |> limit(n: 200)',
    ]),
  };
}

export function symbolQueries(config: Config) {
  const { bucket, measurements } = config.influx;
  const fields = indicatorFields(config.windows.indicators);
  const withIndicators = config.windows.indicators.enabled;
  const barsPredicate = `${measurement(measurements.bars)} and ${anyOf('_field', OHLC)}`;
  const overlayPredicate = `${measurement(measurements.indicators)} and ${anyOf('_field', fields.overlays)}`;
  const indicators = (columns: string[]) =>
    lines([
      ...fromRange(
        bucket,
        `${measurement(measurements.indicators)} and ${SYMBOL_AND_INTERVAL} and ${anyOf('_field', columns)}`,
      ),
      ...pivotKeep(['_time', ...columns]),
    ]);
  return {
    /** Values of the `symbol` variable: every symbol with bars in the last 30 days. */
    symbols: lines([
      `from(bucket: ${fluxString(bucket)})`,
      '  |> range(start: -30d)',
      `  |> filter(fn: (r) => ${measurement(measurements.bars)} and r._field == "close")`,
      '  |> last()',
      '  |> group()',
      '  |> distinct(column: "symbol")',
      '  |> keep(columns: ["_value"])',
      '  |> sort(columns: ["_value"])',
    ]),
    /** Bars with the moving averages and Bollinger band of the same bar time, one row per bar. */
    candles: lines([
      ...fromRange(bucket, SYMBOL_AND_INTERVAL),
      `  |> filter(fn: (r) => ${withIndicators ? `(${barsPredicate}) or (${overlayPredicate})` : barsPredicate})`,
      '  |> group(columns: ["symbol", "interval"])',
      '  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")',
      '  |> sort(columns: ["_time"])',
      `  |> keep(columns: ${fluxList(['_time', ...OHLC, ...(withIndicators ? fields.overlays : [])])})`,
    ]),
    volume: lines([
      ...fromRange(bucket, `${measurement(measurements.bars)} and ${SYMBOL_AND_INTERVAL} and r._field == "volume"`),
      ...pivotKeep(['_time', 'volume']),
    ]),
    rsi: indicators([fields.rsi]),
    macd: indicators([fields.macd.line, fields.macd.signal, fields.macd.histogram]),
    /** Alerts of the symbol (any rule interval) as annotations: title, text and tags columns. */
    annotations: lines([
      ...fromRange(bucket, `${measurement(measurements.alerts)} and ${SYMBOL}`),
      '  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")',
      '  |> group()',
      '  |> map(fn: (r) => ({_time: r._time, title: r.rule, text: r.message, tags: r.severity + "," + r.type}))',
      '  |> keep(columns: ["_time", "title", "text", "tags"])',
      '  |> sort(columns: ["_time"])',
    ]),
    /** Name, sector, industry, size, valuation and 52-week range from `info sync`. */
    metadata: [
      'SELECT',
      '  coalesce(long_name, short_name, symbol) AS "Name",',
      '  sector AS "Sector",',
      '  industry AS "Industry",',
      '  exchange AS "Exchange",',
      '  market_cap AS "Market cap",',
      '  trailing_pe AS "P/E",',
      '  forward_pe AS "Forward P/E",',
      '  CASE WHEN fifty_two_week_low IS NOT NULL AND fifty_two_week_high IS NOT NULL',
      '    THEN round(fifty_two_week_low::numeric, 2) || \' – \' || round(fifty_two_week_high::numeric, 2) END AS "52-week range"',
      `FROM "${config.postgres.schema}".stock_info`,
      'WHERE symbol = ${symbol:sqlstring}',
    ].join('\n'),
  };
}

export type OverviewQueries = ReturnType<typeof overviewQueries>;
export type SymbolQueries = ReturnType<typeof symbolQueries>;
