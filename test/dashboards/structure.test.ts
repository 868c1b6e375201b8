// The generated files are valid for Grafana 11/12 (structure the SDK types cannot check), follow
// the config, hold no secret and come out the same every time.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Config } from '../../src/config/schema.ts';
import { renderGrafanaFiles } from '../../src/dashboards/generate.ts';
import { DASHBOARD_UIDS, INFLUX_DATASOURCE, POSTGRES_DATASOURCE } from '../../src/dashboards/names.ts';
import { testConfig } from './session.ts';
import { generatedDashboards, panelsOf, queriesOf, referencedVariables, variablesOf } from './walk.ts';

const PANEL_TYPES = new Set(['stat', 'bargauge', 'table', 'candlestick', 'timeseries']);

function provisionedDatasources(config: Config): { uid: string; type: string }[] {
  const file = renderGrafanaFiles(config).find((f) => f.path === 'provisioning/datasources/stockstream.yaml')!;
  return (parse(file.content) as { datasources: { uid: string; type: string }[] }).datasources;
}

function byUid(config: Config, uid: string): Dashboard {
  return generatedDashboards(config).find((d) => d.uid === uid)!;
}

function allQueryText(config: Config): string {
  return generatedDashboards(config)
    .flatMap(queriesOf)
    .map((q) => q.text)
    .join('\n');
}

describe('generated dashboards', () => {
  const config = testConfig();
  const dashboards = generatedDashboards(config);

  it('are the two dashboards with stable uids, today so far, refreshing every 5 s', () => {
    expect(dashboards.map((d) => d.uid)).toEqual([DASHBOARD_UIDS.overview, DASHBOARD_UIDS.symbol]);
    for (const d of dashboards) {
      // The SDK for Grafana 11.6 writes schema 41, which Grafana 11.6 and 12 load without migrating.
      expect(d.schemaVersion).toBe(41);
      expect(d.time).toEqual({ from: 'now/d', to: 'now' });
      expect(d.refresh).toBe('5s');
      expect(d.timezone).toBe(config.windows.timezone);
      expect(d.uid!.length).toBeLessThanOrEqual(40);
    }
  });

  it('have unique panel ids and panels that tile the 24-column grid without overlapping', () => {
    for (const d of dashboards) {
      const panels = panelsOf(d);
      expect(panels.length).toBeGreaterThanOrEqual(4);
      const ids = panels.map((p) => p.id);
      expect(ids.every((id) => Number.isInteger(id) && id! > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      const cells = new Set<string>();
      for (const p of panels) {
        expect(PANEL_TYPES.has(p.type), `${p.type} is a core panel`).toBe(true);
        const { x, y, w, h } = p.gridPos!;
        expect(
          w > 0 && h > 0 && x >= 0 && y >= 0 && x + w <= 24,
          `${p.title} gridPos ${JSON.stringify(p.gridPos)}`,
        ).toBe(true);
        for (let cx = x; cx < x + w; cx++) {
          for (let cy = y; cy < y + h; cy++) {
            expect(cells.has(`${cx},${cy}`), `${p.title} overlaps another panel`).toBe(false);
            cells.add(`${cx},${cy}`);
          }
        }
      }
    }
  });

  it('use only data sources the provisioning file defines, with matching types', () => {
    const provided = new Map(provisionedDatasources(config).map((s) => [s.uid, s.type]));
    expect(provided).toEqual(
      new Map([
        [INFLUX_DATASOURCE.uid, INFLUX_DATASOURCE.type],
        [POSTGRES_DATASOURCE.uid, POSTGRES_DATASOURCE.type],
      ]),
    );
    const refs = dashboards.flatMap((d) => [
      ...panelsOf(d).flatMap((p: Panel) => [
        p.datasource,
        ...((p.targets ?? []) as { datasource?: { uid?: string; type?: string } }[]).map((t) => t.datasource),
      ]),
      ...(d.annotations?.list ?? []).flatMap((a) => [
        a.datasource,
        (a.target as { datasource?: { uid?: string; type?: string } } | undefined)?.datasource,
      ]),
      ...variablesOf(d).map((v) => v.datasource),
    ]);
    const used = refs.filter((ref): ref is { uid: string; type: string } => ref !== undefined);
    expect(used.length).toBeGreaterThan(10);
    for (const ref of used) expect(provided.get(ref.uid), `${ref.uid}`).toBe(ref.type);
  });

  it('define every variable their queries and titles use', () => {
    for (const d of dashboards) {
      const defined = new Set(variablesOf(d).map((v) => v.name));
      const texts = [...queriesOf(d).map((q) => q.text), ...panelsOf(d).map((p) => p.title ?? '')];
      const used = new Set(texts.flatMap(referencedVariables));
      for (const name of used) expect(defined.has(name), `${d.uid} uses $${name}`).toBe(true);
    }
    expect(variablesOf(byUid(config, DASHBOARD_UIDS.symbol)).map((v) => v.name)).toEqual(['symbol', 'interval']);
  });

  it('offer the configured bar sizes and fill the symbol list from the data', () => {
    const [symbol, interval] = variablesOf(
      byUid(testConfig({ windows: { bars: { intervals: ['15m', '30s', '2m'] } } }), DASHBOARD_UIDS.symbol),
    );
    expect(interval!.type).toBe('custom');
    expect(interval!.query).toBe('30s,2m,15m');
    expect(interval!.current).toMatchObject({ value: '30s' });
    expect(symbol!.type).toBe('query');
    expect(symbol!.datasource).toEqual(INFLUX_DATASOURCE);
    expect(symbol!.refresh).toBe(1);
    expect(String(symbol!.query)).toContain('distinct(column: "symbol")');
  });

  it('follow renamed measurements, bucket and schema, leaving no default name behind', () => {
    const renamed = testConfig({
      influx: { bucket: 'prices_eu', measurements: { ticks: 't_x', bars: 'b_x', indicators: 'i_x', alerts: 'a_x' } },
      postgres: { schema: 'trading' },
    });
    const text = allQueryText(renamed);
    for (const name of ['"prices_eu"', '"t_x"', '"b_x"', '"i_x"', '"a_x"', '"trading".stock_info'])
      expect(text).toContain(name);
    for (const name of ['"stocks"', 'stock_ticks', 'stock_bars', 'stock_indicators', 'stock_alerts', '"public"'])
      expect(text).not.toContain(name);
  });

  it('draw the configured indicator periods, and leave indicator panels out when indicators are off', () => {
    const periods = testConfig({ windows: { indicators: { sma: [10, 30], ema: [5], rsi: 9 } } });
    const candles = queriesOf(byUid(periods, DASHBOARD_UIDS.symbol)).find((q) => q.where.endsWith('bars'))!.text;
    for (const field of ['sma_10', 'sma_30', 'ema_5', 'bb_upper']) expect(candles).toContain(`"${field}"`);
    expect(candles).not.toContain('sma_20');
    expect(panelsOf(byUid(periods, DASHBOARD_UIDS.symbol)).map((p) => p.title)).toContain('RSI (9)');

    const off = testConfig({ windows: { indicators: { enabled: false } } });
    const titles = panelsOf(byUid(off, DASHBOARD_UIDS.symbol)).map((p) => p.title);
    expect(titles.some((t) => t?.startsWith('RSI') || t?.startsWith('MACD'))).toBe(false);
    expect(allQueryText(off)).not.toContain('sma_');
  });

  it('take the live price from bars when ticks are not stored', () => {
    const price = (config: Config) =>
      queriesOf(byUid(config, DASHBOARD_UIDS.overview)).find((q) => q.where === 'Latest price')!.text;
    expect(price(testConfig())).toContain('r._measurement == "stock_ticks" and r._field == "price"');
    expect(price(testConfig({ sinks: { writeTicks: false } }))).toContain(
      'r._measurement == "stock_bars" and r.interval == "1m" and r._field == "close"',
    );
  });

  it('keep secrets out: provisioning reads tokens and passwords from the environment', () => {
    const secretive = testConfig({
      influx: { token: 'influx-secret-token-xyz' },
      postgres: { url: 'postgres://app:pg-secret-pw@db.internal:5432/markets' },
    });
    const files = renderGrafanaFiles(secretive);
    for (const file of files) {
      expect(file.content).not.toContain('influx-secret-token-xyz');
      expect(file.content).not.toContain('pg-secret-pw');
    }
    const datasources = files.find((f) => f.path === 'provisioning/datasources/stockstream.yaml')!.content;
    expect(datasources).toContain('token: $INFLUX_TOKEN');
    expect(datasources).toContain('password: $POSTGRES_PASSWORD');
    expect(parse(datasources).datasources[0].jsonData).toEqual({
      version: 'Flux',
      organization: 'stockstream',
      defaultBucket: 'stocks',
      httpMode: 'POST',
    });
  });

  it('come out byte for byte the same for the same config, whatever its key order', () => {
    const a = renderGrafanaFiles(testConfig({ influx: { bucket: 'b', org: 'o' }, symbols: ['MSFT'] }));
    const b = renderGrafanaFiles(testConfig({ symbols: ['MSFT'], influx: { org: 'o', bucket: 'b' } }));
    expect(b).toEqual(a);
    expect(a.map((f) => f.path)).toEqual([
      'provisioning/datasources/stockstream.yaml',
      'provisioning/dashboards/stockstream.yaml',
      'dashboards/market-overview.json',
      'dashboards/symbol-detail.json',
    ]);
    const json = a.find((f) => f.path.endsWith('symbol-detail.json'))!.content;
    expect(json.endsWith('}\n')).toBe(true);
    expect(json).not.toMatch(/"(created|updated|timestamp)"/);
  });
});
