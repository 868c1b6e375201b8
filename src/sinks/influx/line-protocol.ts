/**
 * InfluxDB line protocol for StockStream's outputs, written by hand: it is the consumer's hot path
 * (one line per tick), and the client's Point class allocates far more per line.
 *
 * A point is keyed by measurement + tags + time, so writing the same output again replaces it:
 * bars and indicators carry the bar start as their time, ticks their event time. Times are ms.
 * Tags are written sorted by key, as InfluxDB recommends (it then skips sorting them itself).
 */
import type { Config } from '../../config/schema.ts';
import type { Alert, Bar, IndicatorPoint, Tick, WindowOutput } from '../../model.ts';

export type Measurements = Config['influx']['measurements'];

const MEASUREMENT_SPECIAL = /[, \\]/g;
const TAG_SPECIAL = /[,= \\]/g;
const STRING_SPECIAL = /["\\]/g;

export function escapeMeasurement(name: string): string {
  return name.replace(MEASUREMENT_SPECIAL, '\\$&');
}

/** Escapes a tag key or value (commas, equals signs, spaces, backslashes). */
export function escapeTag(text: string): string {
  return text.replace(TAG_SPECIAL, '\\$&');
}

export function quoteString(text: string): string {
  return `"${text.replace(STRING_SPECIAL, '\\$&').replace(/\n/g, '\\n')}"`;
}

/** `,key=value` for a tag, or nothing for an empty value (InfluxDB rejects empty tag values). */
function tag(key: string, value: string | undefined): string {
  return value ? `,${key}=${escapeTag(value)}` : '';
}

/** `key=1.5` appended with the right separator; non-finite numbers are left out (InfluxDB rejects them). */
function numberField(fields: string, key: string, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return fields;
  return `${fields}${fields ? ',' : ''}${key}=${value}`;
}

export function tickLine(m: Measurements, tick: Tick): string | undefined {
  let fields = numberField('', 'price', tick.price);
  fields = numberField(fields, 'day_volume', tick.dayVolume);
  fields = numberField(fields, 'bid', tick.bid);
  fields = numberField(fields, 'ask', tick.ask);
  fields = numberField(fields, 'size', tick.size);
  return fields ? `${escapeMeasurement(m.ticks)}${tag('symbol', tick.symbol)} ${fields} ${tick.time}` : undefined;
}

export function barLine(m: Measurements, bar: Bar): string {
  let fields = numberField('', 'open', bar.open);
  fields = numberField(fields, 'high', bar.high);
  fields = numberField(fields, 'low', bar.low);
  fields = numberField(fields, 'close', bar.close);
  fields = numberField(fields, 'volume', bar.volume);
  fields = numberField(fields, 'vwap', bar.vwap);
  fields += `,ticks=${Math.trunc(bar.ticks)}i,final=${bar.final}`;
  return `${escapeMeasurement(m.bars)}${tag('interval', bar.interval)}${tag('symbol', bar.symbol)} ${fields} ${bar.start}`;
}

export function indicatorLine(m: Measurements, point: IndicatorPoint): string | undefined {
  let fields = '';
  for (const key of Object.keys(point.values)) fields = numberField(fields, escapeTag(key), point.values[key]);
  if (point.trend) fields += `${fields ? ',' : ''}trend=${quoteString(point.trend)}`;
  if (!fields) return undefined;
  return `${escapeMeasurement(m.indicators)}${tag('interval', point.interval)}${tag('symbol', point.symbol)} ${fields} ${point.time}`;
}

export function alertLine(m: Measurements, alert: Alert): string {
  const tags = `${tag('interval', alert.interval)}${tag('rule', alert.rule)}${tag('severity', alert.severity)}${tag('symbol', alert.symbol)}${tag('type', alert.type)}`;
  let fields = `message=${quoteString(alert.message)}`;
  fields = numberField(fields, 'value', alert.value);
  fields = numberField(fields, 'threshold', alert.threshold);
  return `${escapeMeasurement(m.alerts)}${tags} ${fields} ${alert.time}`;
}

/** One line for an output, or undefined when it has nothing InfluxDB can store. */
export function outputLine(m: Measurements, output: WindowOutput): string | undefined {
  switch (output.kind) {
    case 'tick':
      return tickLine(m, output.tick);
    case 'bar':
      return barLine(m, output.bar);
    case 'indicator':
      return indicatorLine(m, output.point);
    case 'alert':
      return alertLine(m, output.alert);
  }
}
