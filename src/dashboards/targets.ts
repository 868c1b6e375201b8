/**
 * Panel targets for the two data sources. The foundation SDK ships no InfluxDB or PostgreSQL query
 * types, so these implement its `Dataquery` variant with the fields those plugins read: `query`
 * (InfluxDB in Flux mode) and `rawSql` + `format` (Grafana's SQL data sources in code mode).
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import { INFLUX_DATASOURCE, POSTGRES_DATASOURCE } from './names.ts';

export interface FluxQuery extends cog.Dataquery {
  refId: string;
  datasource: DataSourceRef;
  query: string;
}

export interface SqlQuery extends cog.Dataquery {
  refId: string;
  datasource: DataSourceRef;
  editorMode: 'code';
  format: 'table' | 'time_series';
  rawQuery: true;
  rawSql: string;
}

// JSON.stringify skips functions, so the marker never reaches the dashboard file.
const variant = { _implementsDataqueryVariant() {} };

export function flux(query: string, refId = 'A'): cog.Builder<FluxQuery> {
  return { build: () => ({ ...variant, refId, datasource: INFLUX_DATASOURCE, query }) };
}

export function sql(rawSql: string, format: SqlQuery['format'] = 'table', refId = 'A'): cog.Builder<SqlQuery> {
  return {
    build: () => ({
      ...variant,
      refId,
      datasource: POSTGRES_DATASOURCE,
      editorMode: 'code',
      format,
      rawQuery: true,
      rawSql,
    }),
  };
}
