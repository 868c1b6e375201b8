/**
 * InfluxDB line protocol for StockStream's outputs, written by hand: it is the consumer's hot path
 * (one line per tick), and the client's Point class allocates far more per line.
 *
 * A point is keyed by measurement + tags + time, so writing the same output again replaces it:
 * bars and indicators carry the bar start as their time, ticks their event time. Times are ms.
 * Tags are written sorted by key, as InfluxDB recommends (it then skips sorting them itself).
 *
 * A tick's `previous_close` is the day's reference price, the same on every tick of a symbol until
 * the next session. A request body carries it on a symbol's first tick of each minute and whenever
 * it changes, not on every tick: InfluxDB then spends ~20% less CPU on tick points (300,000 tick
 * lines at 5,000 symbols: 11.1–11.8 against 13.0–14.7 InfluxDB CPU-s per 1M). No information is
 * lost: a tick's previous close is the latest one written at or before it, and every range of a
 * minute or more holds one (the dashboards' Change % takes the latest in its range). Points are
 * keyed, so a tick written again without the field keeps the one it has.
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
  /** One whole line for an output (a tick with its previous close), or undefined when it has nothing InfluxDB can store. */
  line(output: WindowOutput): string | undefined;
  /**
   * A request body: the lines of a batch joined by newlines ('' when none has anything to store),
   * each tick's previous close left out when this encoder wrote it for the symbol's minute already.
   */
  body(batch: readonly WindowOutput[]): string;
  /** A body of this batch was not stored: its ticks' symbols get their previous close again. */
  unwritten(batch: readonly WindowOutput[]): void;
}

const MINUTE_MS = 60_000;

/** The previous close a symbol's ticks last carried in a body, and the minute of that tick. */
interface WrittenClose {
  minute: number;
  value: number;
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
  const tickLine = (tick: Tick, withPreviousClose: boolean): string => {
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
    if (withPreviousClose && previousClose !== undefined && Number.isFinite(previousClose))
      line += `,previous_close=${previousClose}`;
    return `${line} ${tick.time}`;
  };

  const writtenCloses = new Map<string, WrittenClose>();
  /** Whether a body's line for this tick carries its previous close (and notes it when so). */
  const carriesPreviousClose = (tick: Tick): boolean => {
    const value = tick.previousClose;
    if (value === undefined || !Number.isFinite(value)) return false;
    const minute = Math.floor(tick.time / MINUTE_MS);
    const written = writtenCloses.get(tick.symbol);
    if (written !== undefined && written.minute === minute && written.value === value) return false;
    if (written !== undefined) {
      written.minute = minute;
      written.value = value;
    } else {
      if (writtenCloses.size >= MAX_CACHED_TAGS) writtenCloses.clear();
      writtenCloses.set(tick.symbol, { minute, value });
    }
    return true;
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
        return tickLine(output.tick, true);
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
        const text = output.kind === 'tick' ? tickLine(output.tick, carriesPreviousClose(output.tick)) : line(output);
        if (text !== undefined) body += body ? `\n${text}` : text;
      }
      return body;
    },
    unwritten(batch) {
      // Forgetting more than the body wrote only writes a close again; forgetting less would lose one.
      for (const output of batch) if (output.kind === 'tick') writtenCloses.delete(output.tick.symbol);
    },
  };
}
