/**
 * Stable identities of everything `dashboards generate/push` creates. Grafana matches data sources,
 * folders and dashboards by uid, so these never change when titles or the config do: a push updates
 * in place and links between dashboards keep working.
 */
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

export const INFLUX_DATASOURCE: Required<DataSourceRef> = { type: 'influxdb', uid: 'stockstream-influxdb' };
/** The PostgreSQL plugin id since Grafana 10.2 (the old `postgres` id is an alias of it). */
export const POSTGRES_DATASOURCE: Required<DataSourceRef> = {
  type: 'grafana-postgresql-datasource',
  uid: 'stockstream-postgres',
};

export const DATASOURCE_NAMES = {
  influx: 'StockStream InfluxDB',
  postgres: 'StockStream PostgreSQL',
} as const;

export const DASHBOARD_UIDS = {
  overview: 'stockstream-overview',
  symbol: 'stockstream-symbol',
} as const;

export const DASHBOARD_TAGS = ['stockstream'];

/** Folder uid from its title: `StockStream` → `stockstream`, `Trading Desk` → `trading-desk`. */
export function folderUid(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return slug === '' ? 'stockstream' : slug;
}
