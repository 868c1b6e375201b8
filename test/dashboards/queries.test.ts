// Every query of the generated dashboards — panels, annotations, variables — run against the real
// InfluxDB and PostgreSQL after a session went through the real window pipeline, the influx sink,
// the migrations and the stock-info repository. Variables and macros are substituted as Grafana
// does, and each result is compared with what the pipeline produced.
import { InfluxDB } from '@influxdata/influxdb-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.ts';
import { DASHBOARD_UIDS, INFLUX_DATASOURCE, POSTGRES_DATASOURCE } from '../../src/dashboards/names.ts';
import { overviewQueries } from '../../src/dashboards/queries.ts';
import type { Alert, Bar, IndicatorPoint } from '../../src/model.ts';
import { createPostgres, type Sql } from '../../src/postgres/client.ts';
import { migrateUp } from '../../src/postgres/migrate.ts';
import { upsertStockInfo } from '../../src/postgres/repositories/stock-info.ts';
import { createInfluxSink } from '../../src/sinks/influx/influx.ts';
import { createLogger } from '../../src/ui/logger.ts';
import { applyTick, changeOf, createWatchModel } from '../../src/display/live-model.ts';
import { SessionCalendar } from '../../src/windows/calendar.ts';
import { testInflux, testPostgres } from '../support/services.ts';
import { interpolateFlux, interpolateSql, type QueryContext } from './grafana-macros.ts';
import { runSession, stockInfo, SYMBOLS, testConfig, type Session } from './session.ts';
import { generatedDashboards, queriesOf, referencedVariables, type DashboardQuery } from './walk.ts';

type Row = Record<string, unknown>;
type Vars = { symbol: string; interval: string };
type Expectation = (rows: Row[], vars: Vars) => void;

const INTERVALS = ['1m', '5m'];
// Renamed on purpose: the dashboards must follow the config, not the defaults.
const MEASUREMENTS = { ticks: 'ticks_t', bars: 'bars_t', indicators: 'indicators_t', alerts: 'alerts_t' };
const SCHEMA = 'market';

let config: Config;
let session: Session;
let flux: (query: string) => Promise<Row[]>;
let sql: Sql;

const ms = (time: unknown) => new Date(String(time)).getTime();
const bySymbolTime = <T extends { symbol: string }>(items: T[], symbol: string, time: (item: T) => number) =>
  items.filter((item) => item.symbol === symbol).sort((a, b) => time(a) - time(b));
const barsOf = ({ symbol, interval }: Vars): Bar[] =>
  bySymbolTime(session.bars, symbol, (b) => b.start).filter((b) => b.interval === interval);
const pointsOf = ({ symbol, interval }: Vars): IndicatorPoint[] =>
  bySymbolTime(session.indicators, symbol, (p) => p.time).filter((p) => p.interval === interval);
const alertsOf = (symbol: string): Alert[] => bySymbolTime(session.alerts, symbol, (a) => a.time);
const ticksOf = (symbol: string) => session.ticks.filter((t) => t.symbol === symbol);

/** Indicator rows of a pivoted query: one per point that has any of `fields`, null where one is missing. */
function indicatorRows(vars: Vars, fields: string[]): Row[] {
  return pointsOf(vars)
    .filter((p) => fields.some((f) => p.values[f] !== undefined))
    .map((p) => ({ _time: p.time, ...Object.fromEntries(fields.map((f) => [f, p.values[f] ?? null])) }));
}

function comparable(rows: Row[], columns: string[]): Row[] {
  return rows.map((row) => Object.fromEntries(columns.map((c) => [c, c === '_time' ? ms(row[c]) : (row[c] ?? null)])));
}

const overview = DASHBOARD_UIDS.overview;
const detail = DASHBOARD_UIDS.symbol;

/** What each query must return, by dashboard and place. A query without an entry fails the test. */
const EXPECTED: Record<string, Expectation> = {
  [`${overview}/Latest price`]: (rows) => {
    for (const symbol of SYMBOLS) {
      // aggregateWindow(every: 1m, fn: last): the last price of each minute, stamped with the minute's end.
      const perMinute = new Map<number, number>();
      for (const tick of ticksOf(symbol)) perMinute.set(Math.floor(tick.time / 60_000) * 60_000 + 60_000, tick.price);
      const got = rows.filter((r) => r.symbol === symbol).map((r) => [ms(r._time), r._value]);
      expect(got).toEqual([...perMinute.entries()]);
    }
    expect(
      new Set(
        rows.map((r) =>
          Object.keys(r)
            .filter((k) => !['result', 'table'].includes(k))
            .sort()
            .join(),
        ),
      ),
    ).toEqual(new Set(['_time,_value,symbol']));
  },
  [`${overview}/Change %`]: (rows) => {
    expect(rows.map((r) => r.symbol).sort()).toEqual([...SYMBOLS]);
    // The number `watch` shows for the same ticks: its own model, fed the session.
    const watch = createWatchModel({
      source: 'synthetic',
      symbols: [...SYMBOLS],
      interval: '1m',
      sparkBars: 20,
      sort: 'symbol',
      calendar: new SessionCalendar(config.windows.timezone),
    });
    for (const tick of session.ticks) applyTick(watch, tick);
    for (const symbol of SYMBOLS) {
      const shown = changeOf(watch.rows.get(symbol)!)!;
      expect(watch.rows.get(symbol)!.referenceKind).toBe('previous-close');
      expect(rows.find((r) => r.symbol === symbol)!._value).toBeCloseTo(shown.percent, 8);
    }
    // Against the previous close AAPL is up and MSFT down; first→last of the range would say otherwise for MSFT.
    expect(rows.find((r) => r.symbol === 'AAPL')!._value).toBeGreaterThan(3);
    expect(rows.find((r) => r.symbol === 'MSFT')!._value).toBeLessThan(0);
  },
  [`${overview}/Volume`]: (rows) => {
    expect(rows.map((r) => r.symbol).sort()).toEqual([...SYMBOLS]);
    for (const symbol of SYMBOLS) {
      const total = barsOf({ symbol, interval: '1m' }).reduce((sum, bar) => sum + bar.volume, 0);
      expect(total).toBeGreaterThan(0);
      expect(rows.find((r) => r.symbol === symbol)!._value).toBeCloseTo(total, 6);
    }
  },
  [`${overview}/Latest alerts`]: (rows) => {
    const expected = [...session.alerts]
      .sort((a, b) => b.time - a.time)
      .map((a) => ({
        _time: a.time,
        symbol: a.symbol,
        rule: a.rule,
        severity: a.severity,
        type: a.type,
        interval: a.interval,
        message: a.message,
        value: a.value,
        threshold: a.threshold,
      }));
    const got = comparable(rows, [
      '_time',
      'symbol',
      'rule',
      'severity',
      'type',
      'interval',
      'message',
      'value',
      'threshold',
    ]);
    expect(got.map((r) => r._time)).toEqual(expected.map((r) => r._time)); // newest first
    const key = (r: Row) => `${r._time}|${r.symbol}|${r.rule}`;
    expect([...got].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...expected].sort((a, b) => key(a).localeCompare(key(b))),
    );
  },
  [`${detail}/variable:symbol`]: (rows) => {
    expect(rows.map((r) => r._value)).toEqual([...SYMBOLS].sort());
  },
  [`${detail}/\${symbol}`]: (rows, { symbol }) => {
    const info = stockInfo(0).find((i) => i.symbol === symbol)!;
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.Name).toBe(info.longName ?? info.shortName);
    expect(row.Sector).toBe(info.sector);
    expect(row.Industry ?? undefined).toBe(info.industry);
    expect(row['Market cap'] === null ? undefined : Number(row['Market cap'])).toBe(info.marketCap);
    expect(row['P/E'] === null ? undefined : Number(row['P/E'])).toBe(info.trailingPE);
    expect(row['52-week range']).toBe(symbol === 'AAPL' ? '164.08 – 237.23' : null);
  },
  [`${detail}/\${symbol} · \${interval} bars`]: (rows, vars) => {
    const overlays = ['sma_20', 'sma_50', 'ema_12', 'ema_26', 'bb_upper', 'bb_middle', 'bb_lower'];
    const points = new Map(pointsOf(vars).map((p) => [p.time, p]));
    const expected = barsOf(vars).map((b) => ({
      _time: b.start,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      ...Object.fromEntries(overlays.map((f) => [f, points.get(b.start)?.values[f] ?? null])),
    }));
    expect(expected.length).toBeGreaterThan(20);
    expect(comparable(rows, Object.keys(expected[0]!))).toEqual(expected);
    // The overlays really are drawn: each has values once its period has passed.
    for (const field of ['sma_20', 'ema_12', 'bb_upper'])
      expect(rows.some((r) => typeof r[field] === 'number')).toBe(true);
  },
  [`${detail}/Volume`]: (rows, vars) => {
    expect(comparable(rows, ['_time', 'volume'])).toEqual(
      barsOf(vars).map((b) => ({ _time: b.start, volume: b.volume })),
    );
  },
  [`${detail}/RSI (14)`]: (rows, vars) => {
    const expected = indicatorRows(vars, ['rsi_14']);
    expect(expected.length).toBeGreaterThan(5);
    expect(comparable(rows, ['_time', 'rsi_14'])).toEqual(expected);
  },
  [`${detail}/MACD (12, 26, 9)`]: (rows, vars) => {
    const fields = ['macd', 'macd_signal', 'macd_histogram'];
    const expected = indicatorRows(vars, fields);
    // 26 bars before the first MACD line: the 1m bars have it, the 24 five-minute bars do not.
    if (vars.interval === '1m') expect(expected.length).toBeGreaterThan(5);
    expect(comparable(rows, ['_time', ...fields])).toEqual(expected);
  },
  [`${detail}/annotation:Alerts`]: (rows, { symbol }) => {
    const expected = alertsOf(symbol).map((a) => ({
      _time: a.time,
      title: a.rule,
      text: a.message,
      tags: `${a.severity},${a.type}`,
    }));
    if (symbol === 'AAPL')
      expect(expected.map((a) => a.title)).toEqual(expect.arrayContaining(['spike-2pct-5m', 'volume-3x', 'wide-bar']));
    // Alerts of one bar share a time; their order among themselves is the server's.
    const order = (a: Row, b: Row) =>
      Number(a._time) - Number(b._time) || String(a.title).localeCompare(String(b.title));
    expect(comparable(rows, ['_time', 'title', 'text', 'tags']).sort(order)).toEqual(expected.sort(order));
    expect(rows.map((r) => ms(r._time))).toEqual(expected.map((a) => a._time)); // sorted by time
  },
};

async function run(query: DashboardQuery, ctx: QueryContext): Promise<Row[]> {
  if (query.datasourceUid === INFLUX_DATASOURCE.uid) return flux(interpolateFlux(query.text, ctx));
  if (query.datasourceUid === POSTGRES_DATASOURCE.uid)
    return [...(await sql.unsafe<Row[]>(interpolateSql(query.text, ctx)))];
  throw new Error(`${query.dashboard}/${query.where}: unknown data source ${query.datasourceUid}`);
}

/** Every value combination of the variables a query uses (one run when it uses none). */
function variableCombinations(text: string): Vars[] {
  const used = referencedVariables(text);
  const symbols = used.includes('symbol') ? [...SYMBOLS] : ['(unused)'];
  const intervals = used.includes('interval') ? INTERVALS : ['(unused)'];
  return symbols.flatMap((symbol) => intervals.map((interval) => ({ symbol, interval })));
}

describe('dashboard queries on real data', () => {
  beforeAll(async () => {
    const [influx, pgUrl] = await Promise.all([testInflux('ss_dash'), testPostgres()]);
    config = testConfig({
      influx: {
        url: influx.url,
        token: influx.token,
        org: influx.org,
        bucket: influx.bucket,
        measurements: MEASUREMENTS,
      },
      postgres: { url: pgUrl, schema: SCHEMA },
    });
    session = runSession(config);

    const sink = createInfluxSink(config, createLogger({ quiet: true }));
    const outputs = session.outputs.filter((output) => sink.accepts(output));
    for (let i = 0; i < outputs.length; i += 5_000) await sink.write(outputs.slice(i, i + 5_000));
    await sink.close();

    sql = createPostgres(config);
    await migrateUp(sql, { schema: SCHEMA });
    await upsertStockInfo(sql, stockInfo(session.start));

    const api = new InfluxDB({ url: influx.url, token: influx.token }).getQueryApi(influx.org);
    flux = (query) => api.collectRows<Row>(query);
  });

  afterAll(async () => {
    await sql?.end({ timeout: 5 });
  });

  it('has an expectation for every query of every dashboard', () => {
    const places = generatedDashboards(config)
      .flatMap(queriesOf)
      .map((q) => `${q.dashboard}/${q.where}`);
    expect(places.length).toBeGreaterThanOrEqual(Object.keys(EXPECTED).length);
    expect(places.filter((place) => !EXPECTED[place])).toEqual([]);
    expect(Object.keys(EXPECTED).filter((place) => !places.includes(place))).toEqual([]);
  });

  it('runs every query with its variables substituted and gets what the pipeline wrote', async () => {
    expect(session.alerts.length).toBeGreaterThan(3);
    const ran: string[] = [];
    for (const query of generatedDashboards(config).flatMap(queriesOf)) {
      const place = `${query.dashboard}/${query.where}`;
      for (const vars of variableCombinations(query.text)) {
        const ctx: QueryContext = {
          from: session.start - 3_600_000,
          to: session.end + 3_600_000,
          windowPeriodMs: 60_000,
          variables: vars,
        };
        const rows = await run(query, ctx).catch((error: unknown) => {
          throw new Error(`${place} ${JSON.stringify(vars)} failed: ${(error as Error).message}`);
        });
        try {
          EXPECTED[place]!(rows, vars);
        } catch (error) {
          (error as Error).message = `${place} ${JSON.stringify(vars)}: ${(error as Error).message}`;
          throw error;
        }
        ran.push(place);
      }
    }
    // Symbol panels ran once per symbol × bar size: 2 symbols × 2 intervals for candles.
    expect(ran.filter((place) => place.endsWith('bars'))).toHaveLength(4);
  });

  it('Change %: without a previous close in the ticks, against the first price of the range (like watch)', async () => {
    // Ticks of their own measurement, none with a previous close: the column does not exist there at all.
    const bare = {
      ...config,
      influx: { ...config.influx, measurements: { ...MEASUREMENTS, ticks: 'ticks_no_close' } },
    };
    const ticks = session.ticks.filter((tick) => tick.symbol === 'MSFT').map(({ previousClose: _, ...tick }) => tick);
    const sink = createInfluxSink(bare, createLogger({ quiet: true }));
    await sink.write(ticks.map((tick) => ({ kind: 'tick', tick })));
    await sink.close();
    const ctx: QueryContext = {
      from: session.start - 3_600_000,
      to: session.end + 3_600_000,
      windowPeriodMs: 60_000,
      variables: {},
    };
    const rows = await flux(interpolateFlux(overviewQueries(bare).changePct, ctx));
    const watch = createWatchModel({
      source: 'synthetic',
      symbols: ['MSFT'],
      interval: '1m',
      sparkBars: 20,
      sort: 'symbol',
      calendar: new SessionCalendar(bare.windows.timezone),
    });
    for (const tick of ticks) applyTick(watch, tick);
    expect(watch.rows.get('MSFT')!.referenceKind).toBe('first-tick');
    expect(rows).toHaveLength(1);
    expect(rows[0]!._value).toBeCloseTo(changeOf(watch.rows.get('MSFT')!)!.percent, 8);
  });

  it('shows nothing outside the time range (queries honour v.timeRangeStart/Stop)', async () => {
    const candles = generatedDashboards(config)
      .flatMap(queriesOf)
      .find((q) => q.where.endsWith('bars'))!;
    const before: QueryContext = {
      from: session.start - 7_200_000,
      to: session.start - 60_000,
      windowPeriodMs: 60_000,
      variables: { symbol: 'AAPL', interval: '1m' },
    };
    expect(await run(candles, before)).toEqual([]);
  });
});
