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

/** `,key=1.5` for a finite number; nothing otherwise (InfluxDB rejects NaN and infinities). */
function optionalField(key: string, value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? `,${key}=${value}` : '';
}

/** Fields joined by commas; non-finite numbers are left out. */
function numberFields(entries: ReadonlyArray<readonly [string, number | undefined]>): string {
  let fields = '';
  for (const [key, value] of entries)
    if (value !== undefined && Number.isFinite(value)) fields += `${fields ? ',' : ''}${key}=${value}`;
  return fields;
}

export interface LineEncoder {
  /** One line for an output, or undefined when it has nothing InfluxDB can store. */
  line(output: WindowOutput): string | undefined;
  /** A request body: the lines of a batch joined by newlines ('' when none has anything to store). */
  body(batch: readonly WindowOutput[]): string;
}

/** Tag values repeat endlessly (symbols, intervals, rules): each is escaped once. */
const MAX_CACHED_TAGS = 100_000;

export function createLineEncoder(measurements: Measurements): LineEncoder {
  const m = {
    ticks: escapeMeasurement(measurements.ticks),
    bars: escapeMeasurement(measurements.bars),
    indicators: escapeMeasurement(measurements.indicators),
    alerts: escapeMeasurement(measurements.alerts),
  };
  const escaped = new Map<string, string>();
  /** `,key=value`, or nothing for an empty value (InfluxDB rejects empty tag values). */
  const tag = (key: string, value: string | undefined): string => {
    if (!value) return '';
    let text = escaped.get(value);
    if (text === undefined) {
      if (escaped.size >= MAX_CACHED_TAGS) escaped.clear();
      escaped.set(value, (text = escapeTag(value)));
    }
    return `,${key}=${text}`;
  };

  /** `<ticks>,symbol=<escaped> price=` per symbol: most of a tick line is the same for every tick of it. */
  const tickPrefixes = new Map<string, string>();
  const tickLine = (tick: Tick): string | undefined => {
    let line = tickPrefixes.get(tick.symbol);
    if (line === undefined) {
      if (tickPrefixes.size >= MAX_CACHED_TAGS) tickPrefixes.clear();
      tickPrefixes.set(tick.symbol, (line = `${m.ticks}${tag('symbol', tick.symbol)} price=`));
    }
    // decodeTick guarantees a positive finite price, so the first field is always there.
    line += tick.price;
    const { dayVolume, bid, ask, size, previousClose } = tick;
    if (dayVolume !== undefined && Number.isFinite(dayVolume)) line += `,day_volume=${dayVolume}`;
    if (bid !== undefined && Number.isFinite(bid)) line += `,bid=${bid}`;
    if (ask !== undefined && Number.isFinite(ask)) line += `,ask=${ask}`;
    if (size !== undefined && Number.isFinite(size)) line += `,size=${size}`;
    // previous_close: the reference of Grafana's "Change %", as of watch's change.
    if (previousClose !== undefined && Number.isFinite(previousClose)) line += `,previous_close=${previousClose}`;
    return `${line} ${tick.time}`;
  };

  const barLine = (bar: Bar): string => {
    const fields = numberFields([
      ['open', bar.open],
      ['high', bar.high],
      ['low', bar.low],
      ['close', bar.close],
      ['volume', bar.volume],
      ['vwap', bar.vwap],
    ]);
    return `${m.bars}${tag('interval', bar.interval)}${tag('symbol', bar.symbol)} ${fields},ticks=${Math.trunc(bar.ticks)}i,final=${bar.final} ${bar.start}`;
  };

  const indicatorLine = (point: IndicatorPoint): string | undefined => {
    let fields = numberFields(Object.entries(point.values).map(([key, value]) => [escapeTag(key), value] as const));
    if (point.trend) fields += `${fields ? ',' : ''}trend=${quoteString(point.trend)}`;
    if (!fields) return undefined;
    return `${m.indicators}${tag('interval', point.interval)}${tag('symbol', point.symbol)} ${fields} ${point.time}`;
  };

  const alertLine = (alert: Alert): string => {
    const tags = `${tag('interval', alert.interval)}${tag('rule', alert.rule)}${tag('severity', alert.severity)}${tag('symbol', alert.symbol)}${tag('type', alert.type)}`;
    const fields = `message=${quoteString(alert.message)}${optionalField('value', alert.value)}${optionalField('threshold', alert.threshold)}`;
    return `${m.alerts}${tags} ${fields} ${alert.time}`;
  };

  const line = (output: WindowOutput): string | undefined => {
    switch (output.kind) {
      case 'tick':
        return tickLine(output.tick);
      case 'bar':
        return barLine(output.bar);
      case 'indicator':
        return indicatorLine(output.point);
      case 'alert':
        return alertLine(output.alert);
    }
  };

  return {
    line,
    body(batch) {
      let body = '';
      for (const output of batch) {
        const text = line(output);
        if (text !== undefined) body += body ? `\n${text}` : text;
      }
      return body;
    },
  };
}
