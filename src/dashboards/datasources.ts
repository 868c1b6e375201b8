/**
 * The two Grafana data sources, in the two shapes they travel in:
 *
 * - provisioning (a file Grafana reads at start): where Grafana connects and with which secrets
 *   comes from its environment ($INFLUX_URL, $INFLUX_TOKEN, $POSTGRES_HOST…, which docker-compose
 *   sets), because inside the stack the servers have other addresses than the ones the CLI uses,
 *   and a committed file must not hold secrets. The names the data lives under (org, bucket) come
 *   from the config, like the panel queries.
 * - the HTTP API (`dashboards push`): the config's own URLs and credentials, sent to Grafana only.
 */
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../errors.ts';
import { DATASOURCE_NAMES, INFLUX_DATASOURCE, POSTGRES_DATASOURCE } from './names.ts';

/** The fields Grafana's data source API and provisioning files share. */
export interface DatasourceDefinition {
  name: string;
  type: string;
  uid: string;
  access: 'proxy';
  url: string;
  user?: string;
  isDefault: boolean;
  jsonData: Record<string, string | number | boolean>;
  secureJsonData: Record<string, string>;
}

/** Environment variables the provisioning file reads (Grafana expands `$NAME` there). */
export const PROVISIONING_ENV = {
  influxUrl: 'INFLUX_URL',
  influxToken: 'INFLUX_TOKEN',
  postgresHost: 'POSTGRES_HOST',
  postgresUser: 'POSTGRES_USER',
  postgresPassword: 'POSTGRES_PASSWORD',
  postgresDb: 'POSTGRES_DB',
} as const;

const env = (name: string) => `$${name}`;

function influx(config: Config, url: string, token: string): DatasourceDefinition {
  return {
    name: DATASOURCE_NAMES.influx,
    type: INFLUX_DATASOURCE.type,
    uid: INFLUX_DATASOURCE.uid,
    access: 'proxy',
    url,
    isDefault: false,
    jsonData: {
      version: 'Flux',
      organization: config.influx.org,
      defaultBucket: config.influx.bucket,
      httpMode: 'POST',
    },
    secureJsonData: { token },
  };
}

function postgres(target: {
  host: string;
  user: string;
  password: string;
  database: string;
  sslmode: string;
}): DatasourceDefinition {
  return {
    name: DATASOURCE_NAMES.postgres,
    type: POSTGRES_DATASOURCE.type,
    uid: POSTGRES_DATASOURCE.uid,
    access: 'proxy',
    url: target.host,
    user: target.user,
    isDefault: false,
    jsonData: { database: target.database, sslmode: target.sslmode, postgresVersion: 1500, timescaledb: false },
    secureJsonData: { password: target.password },
  };
}

/** For the provisioning file: no secret and no address in it, only `$VARIABLES`. */
export function provisionedDatasources(config: Config): DatasourceDefinition[] {
  return [
    influx(config, env(PROVISIONING_ENV.influxUrl), env(PROVISIONING_ENV.influxToken)),
    postgres({
      host: env(PROVISIONING_ENV.postgresHost),
      user: env(PROVISIONING_ENV.postgresUser),
      password: env(PROVISIONING_ENV.postgresPassword),
      database: env(PROVISIONING_ENV.postgresDb),
      sslmode: 'disable',
    }),
  ];
}

/** For `push`: the config's InfluxDB and PostgreSQL, with their credentials. */
export function apiDatasources(config: Config): DatasourceDefinition[] {
  let pg: URL;
  try {
    pg = new URL(config.postgres.url);
  } catch {
    throw new ConfigError('postgres.url is not a URL', 'use postgres://user:password@host:5432/db');
  }
  return [
    influx(config, config.influx.url, config.influx.token),
    postgres({
      host: `${pg.hostname}:${pg.port || '5432'}`,
      user: decodeURIComponent(pg.username),
      password: decodeURIComponent(pg.password),
      database: decodeURIComponent(pg.pathname.replace(/^\//, '')) || decodeURIComponent(pg.username),
      sslmode: pg.searchParams.get('sslmode') ?? 'disable',
    }),
  ];
}
