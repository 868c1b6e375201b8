/**
 * One check per configured service. Each answers with a line a person can act on: what works, or
 * what failed and the fix. Checks never throw.
 */
import type { Config } from '../config/schema.ts';
import { redactUrl } from '../config/redact.ts';
import { servicesInUse } from '../config/services.ts';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../ui/logger.ts';
import { YahooHttpError } from '../yahoo/client.ts';
import { explainYahooFailure } from '../yahoo/failure.ts';

export interface CheckResult {
  service: string;
  ok: boolean;
  /** A failing optional check warns but does not fail `doctor`. */
  optional: boolean;
  detail: string;
  fix?: string;
}

export interface CheckOptions {
  timeoutMs: number;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // Named like fetch's own timeouts, so the Yahoo classifier knows it for one.
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer from ${what} within ${ms} ms`), { name: 'TimeoutError' })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? errorMessage(error);
}

export async function checkKafka(config: Config, options: CheckOptions): Promise<CheckResult> {
  const { createKafka } = await import('../kafka/client.ts');
  const brokers = config.kafka.brokers.join(', ');
  const kafka = createKafka(config, options.logger, { clientIdSuffix: 'doctor' });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await withTimeout(admin.connect(), options.timeoutMs, `Kafka at ${brokers}`);
    const cluster = await withTimeout(admin.describeCluster(), options.timeoutMs, `Kafka at ${brokers}`);
    const topics = await admin.listTopics();
    const missing = [config.kafka.topics.prices].filter((t) => !topics.includes(t));
    return {
      service: 'Kafka',
      ok: true,
      optional: false,
      detail: `${brokers}: ${cluster.brokers.length} broker(s)${missing.length ? `, topic ${missing[0]} not created yet (produce creates it)` : ''}`,
    };
  } catch (error) {
    return {
      service: 'Kafka',
      ok: false,
      optional: false,
      detail: `${brokers}: ${errorMessage(error)}`,
      fix: 'start Kafka (`docker compose up -d kafka` or `scripts/services up`) or set kafka.brokers / KAFKA_BROKERS',
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function checkInflux(config: Config, options: CheckOptions): Promise<CheckResult> {
  const { InfluxDB } = await import('@influxdata/influxdb-client');
  const { url, org, bucket, token } = config.influx;
  const optional = !servicesInUse(config).has('influx');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  try {
    await withTimeout(fetchImpl(new URL('/ping', url)), options.timeoutMs, `InfluxDB at ${url}`);
  } catch (error) {
    return {
      service: 'InfluxDB',
      ok: false,
      optional,
      detail: `${url}: ${causeOf(error)}`,
      fix: 'start InfluxDB (`docker compose up -d influxdb` or `scripts/services up`) or set influx.url / INFLUX_URL',
    };
  }
  try {
    const query = new InfluxDB({ url, token, timeout: options.timeoutMs }).getQueryApi(org);
    await withTimeout(
      query.collectRows(`from(bucket: ${JSON.stringify(bucket)}) |> range(start: -1m) |> limit(n: 1)`),
      options.timeoutMs,
      'InfluxDB query',
    );
    return {
      service: 'InfluxDB',
      ok: true,
      optional,
      detail: `${url}: org ${org}, bucket ${bucket} readable with the token`,
    };
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const fix =
      status === 401 || status === 403
        ? 'the token was rejected: set influx.token / INFLUX_TOKEN to a token with read/write access to the bucket'
        : status === 404
          ? `create bucket "${bucket}" in org "${org}", or set influx.bucket / influx.org`
          : 'check influx.org and influx.bucket';
    return { service: 'InfluxDB', ok: false, optional, detail: `${url}: ${errorMessage(error).split('\n')[0]}`, fix };
  }
}

export async function checkPostgres(config: Config, options: CheckOptions): Promise<CheckResult> {
  const { default: postgres } = await import('postgres');
  const shownUrl = redactUrl(config.postgres.url);
  const optional = !servicesInUse(config).has('postgres');
  const sql = postgres(config.postgres.url, {
    max: 1,
    connect_timeout: Math.ceil(options.timeoutMs / 1000),
    onnotice: () => undefined,
  });
  try {
    const [row] = await withTimeout(
      sql<{ version: string }[]>`select current_setting('server_version') as version`,
      options.timeoutMs,
      `PostgreSQL at ${shownUrl}`,
    );
    const [migrations] = await sql<
      { present: boolean }[]
    >`select to_regclass(${`${config.postgres.schema}.schema_migrations`}) is not null as present`;
    if (!migrations?.present) {
      return {
        service: 'PostgreSQL',
        ok: false,
        optional,
        detail: `${shownUrl}: PostgreSQL ${row?.version}, schema not migrated`,
        fix: 'run `stockstream migrate up`',
      };
    }
    return {
      service: 'PostgreSQL',
      ok: true,
      optional,
      detail: `${shownUrl}: PostgreSQL ${row?.version}, migrations applied`,
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const fix =
      code === '28P01' || code === '28000'
        ? 'the password or user was rejected: fix postgres.url / DATABASE_URL'
        : code === '3D000'
          ? 'the database does not exist: create it or fix the database name in postgres.url'
          : 'start PostgreSQL (`docker compose up -d postgres` or `scripts/services up`) or set postgres.url / DATABASE_URL';
    return { service: 'PostgreSQL', ok: false, optional, detail: `${shownUrl}: ${errorMessage(error)}`, fix };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

export async function checkGrafana(config: Config, options: CheckOptions): Promise<CheckResult> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const { url, token } = config.grafana;
  try {
    const health = await withTimeout(fetchImpl(new URL('/api/health', url)), options.timeoutMs, `Grafana at ${url}`);
    if (!health.ok) throw new Error(`HTTP ${health.status}`);
    if (!token)
      return {
        service: 'Grafana',
        ok: true,
        optional: true,
        detail: `${url}: up (no token set; \`dashboards push\` needs GRAFANA_TOKEN)`,
      };
    const auth = await withTimeout(
      fetchImpl(new URL('/api/search?limit=1', url), { headers: { authorization: `Bearer ${token}` } }),
      options.timeoutMs,
      'Grafana',
    );
    if (auth.status === 401 || auth.status === 403) {
      return {
        service: 'Grafana',
        ok: false,
        optional: true,
        detail: `${url}: token rejected (HTTP ${auth.status})`,
        fix: 'create a service-account token with Editor role and set GRAFANA_TOKEN',
      };
    }
    return { service: 'Grafana', ok: true, optional: true, detail: `${url}: up, token accepted` };
  } catch (error) {
    return {
      service: 'Grafana',
      ok: false,
      optional: true,
      detail: `${url}: ${causeOf(error)}`,
      fix: 'start Grafana (`docker compose up -d grafana`) or set grafana.url / GRAFANA_URL',
    };
  }
}

export async function checkYahoo(config: Config, options: CheckOptions): Promise<CheckResult> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const optional = !servicesInUse(config).has('yahoo');
  const url = 'https://query1.finance.yahoo.com/v1/test/getcrumb';
  const failed = (error: unknown): CheckResult => {
    const { cause, fix } = explainYahooFailure(error);
    return { service: 'Yahoo Finance', ok: false, optional, detail: `not reachable: ${cause}`, fix };
  };
  try {
    const response = await withTimeout(fetchImpl(url, { method: 'HEAD' }), options.timeoutMs, 'Yahoo Finance');
    // Without a session cookie the crumb endpoint answers 401 or 403: Yahoo is there. A 429 or a 5xx is trouble.
    if (response.status === 429 || response.status >= 500)
      return failed(new YahooHttpError(response.status, undefined));
    return { service: 'Yahoo Finance', ok: true, optional, detail: `reachable (HTTP ${response.status})` };
  } catch (error) {
    return failed(error);
  }
}

export const CHECKS = [checkKafka, checkInflux, checkPostgres, checkGrafana, checkYahoo];
