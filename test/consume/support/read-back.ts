/** Reads what the sinks stored — InfluxDB through Flux, PostgreSQL through SQL — as comparable Results. */
import { InfluxDB } from '@influxdata/influxdb-client';
import postgres from 'postgres';
import type { Config } from '../../../src/config/schema.ts';
import type { Alert, Bar, IndicatorPoint } from '../../../src/model.ts';
import type { TestInflux } from '../../support/services.ts';
import { canonicalAlert, canonicalBar, canonicalPoint, sortResults, type Results } from './ticks.ts';

type Row = Record<string, unknown>;

const FLUX_COLUMNS = new Set([
  'result',
  'table',
  '_start',
  '_stop',
  '_time',
  '_measurement',
  'symbol',
  'interval',
  'trend',
  'rule',
  'severity',
  'type',
]);

export async function flux(influx: TestInflux, query: string): Promise<Row[]> {
  return new InfluxDB({ url: influx.url, token: influx.token, timeout: 30_000 })
    .getQueryApi(influx.org)
    .collectRows<Row>(query);
}

function measurement(influx: TestInflux, name: string): string {
  return `from(bucket: "${influx.bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "${name}") |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`;
}

const time = (value: unknown) => Date.parse(String(value));

/** Fields both stores name alike; the time is read by the caller. */
function alertFrom(row: Row, at: number): Alert {
  return canonicalAlert({
    symbol: String(row.symbol),
    rule: String(row.rule),
    type: row.type as Alert['type'],
    severity: row.severity as Alert['severity'],
    interval: String(row.interval),
    time: at,
    message: String(row.message),
    value: Number(row.value),
    threshold: Number(row.threshold),
  });
}

function barFrom(row: Row, start: number, end: number): Bar {
  return canonicalBar({
    symbol: String(row.symbol),
    interval: String(row.interval),
    start,
    end,
    open: Number(row.open),
    high: Number(row.high),
    low: Number(row.low),
    close: Number(row.close),
    volume: Number(row.volume),
    vwap: Number(row.vwap),
    ticks: Number(row.ticks),
    final: Boolean(row.final),
  });
}

function pointFrom(row: Row, at: number, values: Record<string, number>): IndicatorPoint {
  return canonicalPoint({
    symbol: String(row.symbol),
    interval: String(row.interval),
    time: at,
    values,
    trend: (row.trend ?? undefined) as IndicatorPoint['trend'],
  });
}

export async function influxResults(influx: TestInflux, config: Config): Promise<Results> {
  const m = config.influx.measurements;
  const [barRows, pointRows, alertRows] = await Promise.all([
    flux(influx, measurement(influx, m.bars)),
    flux(influx, measurement(influx, m.indicators)),
    flux(influx, measurement(influx, m.alerts)),
  ]);
  const intervalMs = (interval: string) => Number(interval.slice(0, -1)) * 60_000; // tests use minute intervals
  const bars = barRows
    .filter((row) => row.final === true)
    .map((row) => barFrom(row, time(row._time), time(row._time) + intervalMs(String(row.interval))));
  const indicators = pointRows.map((row) => {
    const values: Record<string, number> = {};
    for (const [key, value] of Object.entries(row))
      if (!FLUX_COLUMNS.has(key) && typeof value === 'number') values[key] = value;
    return pointFrom(row, time(row._time), values);
  });
  const alerts = alertRows.map((row) => alertFrom(row, time(row._time)));
  return sortResults({ bars, indicators, alerts });
}

export async function postgresResults(url: string): Promise<Results> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const barRows = await sql<Row[]>`select * from stock_bars where final`;
    const pointRows = await sql<Row[]>`select * from stock_indicators`;
    const alertRows = await sql<Row[]>`select * from stock_alerts`;
    const ms = (value: unknown) => (value as Date).getTime();
    return sortResults({
      bars: barRows.map((row) => barFrom(row, ms(row.start_time), ms(row.end_time))),
      indicators: pointRows.map((row) => pointFrom(row, ms(row.time), row.values as Record<string, number>)),
      alerts: alertRows.map((row) => alertFrom(row, ms(row.time))),
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Row counts in PostgreSQL, to wait on: final bars, indicator points, alerts. */
export async function postgresCounts(url: string): Promise<{ bars: number; indicators: number; alerts: number }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ bars: number; indicators: number; alerts: number }[]>`
      select (select count(*)::int from stock_bars where final) as bars,
             (select count(*)::int from stock_indicators) as indicators,
             (select count(*)::int from stock_alerts) as alerts`;
    return row!;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
