/**
 * Scenario 7: wrong flags, config values, symbols, URLs and credentials, through the built CLI.
 * Each gives exactly one error line that names what is wrong and how to fix it (`error … — fix`),
 * the documented exit code (2 for usage and config, 1 for services that refuse or are missing),
 * and never shows a secret it was given.
 *
 * The native test PostgreSQL trusts local connections (any password is accepted for a known role),
 * so the credentials row uses a role that does not exist: the same SQLSTATE 28 path a wrong
 * password takes on a server that checks passwords.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../support/cli.ts';
import { createTopic, services, testKafka, uniqueName } from '../support/services.ts';
import { dropMade, madeTopics } from './support/cleanup.ts';

/** An empty directory: no stockstream.config.ts is found, so only what a row sets applies. */
const cwd = mkdtempSync(join(tmpdir(), 'fault-bad-input-'));

const SECRETS = {
  influxToken: 'influx-sekret-token-4711',
  pgPassword: 'pg-sekret-pw-4711',
  saslPassword: 'sasl-sekret-pw-4711',
  grafanaToken: 'grafana-sekret-tok-4711',
  mysqlPassword: 'mysql-sekret-4711',
};

function configFile(name: string, content: unknown): string {
  const path = join(cwd, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** A Kafka setup of its own per row, so no row creates or reads the default topics. */
/** One prices topic for the rows that reach the sinks: consume stops on a prices topic that does not exist. */
let pricesTopic = '';

function ownKafka(): NodeJS.ProcessEnv {
  const name = madeTopics(uniqueName('bad_input'));
  return {
    KAFKA_BROKERS: testKafka().join(','),
    STOCKSTREAM_KAFKA_TOPICS_PRICES: pricesTopic,
    STOCKSTREAM_KAFKA_TOPICS_STATE: `${name}_state`,
    STOCKSTREAM_KAFKA_GROUP_ID: `${name}_group`,
  };
}

function postgresAs(user: string, password: string, database?: string): string {
  const url = new URL(services().postgresUrl);
  url.username = user;
  url.password = password;
  if (database) url.pathname = `/${database}`;
  return url.toString();
}

interface Row {
  args: string[];
  env?: () => NodeJS.ProcessEnv;
  code: 1 | 2;
  error: RegExp;
}

const rows: Record<string, Row> = {
  // flags
  'a sink that does not exist': {
    args: ['consume', '--sinks', 'influx,bogus'],
    code: 2,
    error: /--sinks: "bogus" is not a sink — use influx, postgres, kafka, console, file/,
  },
  'an unknown option': {
    args: ['consume', '--frobnicate'],
    code: 2,
    error: /unknown option '--frobnicate' — see stockstream --help/,
  },
  'a negative rate': {
    args: ['produce', '--source', 'synthetic', '--rate', '-5'],
    code: 2,
    error: /source\.synthetic\.rate: -5 is too small — .*--rate/,
  },
  'a speed that is not a number': {
    args: ['produce', '--source', 'replay', '--file', 'x.ndjson', '--speed', 'fast'],
    code: 2,
    error: /--speed: "fast" is not a number — pass a number/,
  },
  'a zero limit': { args: ['produce', '--limit', '0'], code: 2, error: /--limit: 0 is too small — use a value >= 1/ },
  'an unknown info target': {
    args: ['info', 'sync', '--to', 'mysql'],
    code: 2,
    error: /--to: "mysql" is not a target — use postgres, kafka/,
  },
  'a port out of range': {
    args: ['consume', '--metrics-port', '70000'],
    code: 2,
    error: /--metrics-port: 70000 is not a port — use 1–65535/,
  },
  // config values
  'a broker without a port': {
    args: ['--config', configFile('brokers.json', { kafka: { brokers: ['localhost'] } }), 'consume'],
    code: 2,
    error: /kafka\.brokers\[0\]: "localhost" is missing a port — use host:port \(in .*brokers\.json\)/,
  },
  'a zero batch size': {
    args: ['--config', configFile('batch.json', { sinks: { batchSize: 0 } }), 'consume'],
    code: 2,
    error: /sinks\.batchSize: 0 is too small — use a number >= 1/,
  },
  'a duration without a unit': {
    args: ['--config', configFile('late.json', { windows: { allowedLateness: 'soon' } }), 'consume'],
    code: 2,
    error: /windows\.allowedLateness: "soon" is not a duration — use a number and a unit/,
  },
  'a config file that is not JSON': {
    args: ['--config', configFile('broken.json', '{"kafka": {'), 'consume'],
    code: 2,
    error: /broken\.json:1:\d+: .+ — fix the syntax error there/,
  },
  'a config file that does not exist': {
    args: ['--config', join(cwd, 'missing.json'), 'consume'],
    code: 2,
    error: /config file not found: .*missing\.json \(from --config\) — check the --config path/,
  },
  'an environment value of the wrong type': {
    args: ['consume'],
    env: () => ({ STOCKSTREAM_SINKS_BATCH_SIZE: 'lots' }),
    code: 2,
    error: /sinks\.batchSize: "lots" is not a number \(from STOCKSTREAM_SINKS_BATCH_SIZE\)/,
  },
  // symbols
  'an empty symbol': {
    args: ['produce', '--symbols', 'AAPL,,MSFT'],
    code: 2,
    error: /--symbols: entry 2 is empty — separate tickers with single commas/,
  },
  'a symbol with bad characters': {
    args: ['info', 'sync', '--symbols', 'AAPL,$$$'],
    code: 2,
    error: /--symbols: "\$\$\$" is not a ticker symbol — use letters, digits/,
  },
  'a symbol too long': {
    args: ['info', 'sync', '--symbols', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
    code: 2,
    error: /--symbols: "ABCDEFGHIJKLMNOPQRSTUVWXYZ" is not a ticker symbol/,
  },
  // URLs
  'an InfluxDB URL that is not one': {
    args: ['--config', configFile('influx-url.json', { influx: { url: 'not a url' } }), 'consume'],
    code: 2,
    error: /influx\.url: "not a url" is not a valid url/,
  },
  'a database URL of another database': {
    args: ['info', 'sync'],
    env: () => ({ DATABASE_URL: `mysql://root:${SECRETS.mysqlPassword}@db.example/prices` }),
    code: 2,
    error:
      /postgres\.url: \*\*\* is not a PostgreSQL URL — use postgres:\/\/user:password@host:5432\/db \(from DATABASE_URL\)/,
  },
  'a broker given as a URL': {
    args: ['consume', '--brokers', 'http://127.0.0.1:9092'],
    code: 2,
    error: /kafka\.brokers\[0\]: "http:\/\/127\.0\.0\.1:9092" is missing a port — use host:port/,
  },
  // servers and credentials
  'a Kafka broker nobody listens on (consume)': {
    args: ['consume', '--brokers', '127.0.0.1:1', '--connect-timeout', '2s', '--sinks', 'console'],
    code: 1,
    error: /Kafka: cannot reach 127\.0\.0\.1:1 \(connection refused: nothing listens there\) — start Kafka/,
  },
  'a Kafka broker nobody listens on (produce)': {
    args: ['produce', '--source', 'synthetic', '--brokers', '127.0.0.1:1', '--connect-timeout', '2s', '--limit', '1'],
    code: 1,
    error: /Kafka: cannot reach 127\.0\.0\.1:1 \(connection refused: nothing listens there\) — start Kafka/,
  },
  'a SASL login the broker does not take': {
    args: [
      '--config',
      configFile('sasl.json', {
        kafka: { sasl: { mechanism: 'plain', username: 'stockstream', password: SECRETS.saslPassword } },
      }),
      'consume',
      '--sinks',
      'console',
    ],
    env: ownKafka,
    code: 1,
    error: /Kafka: .* refused the SASL login .* — check kafka\.sasl/,
  },
  // InfluxDB 1.8 runs without authentication: any token is good there.
  ...(services().influx.flavor === '1.8'
    ? {}
    : {
        'a wrong InfluxDB token': {
          args: ['consume', '--sinks', 'influx'],
          env: () => ({
            ...ownKafka(),
            INFLUX_URL: services().influx.url,
            INFLUX_ORG: services().influx.org,
            INFLUX_BUCKET: services().influx.bucket,
            INFLUX_TOKEN: SECRETS.influxToken,
          }),
          code: 1,
          error: /InfluxDB: .* refused the token \(401\) — set influx\.token \/ INFLUX_TOKEN/,
        } satisfies Row,
      }),
  'a missing InfluxDB bucket': {
    args: ['consume', '--sinks', 'influx'],
    env: () => ({
      ...ownKafka(),
      INFLUX_URL: services().influx.url,
      INFLUX_ORG: services().influx.org,
      INFLUX_TOKEN: services().influx.token,
      INFLUX_BUCKET: uniqueName('no_such_bucket'),
    }),
    code: 1,
    error: /InfluxDB: .*not found — create the bucket/,
  },
  'wrong PostgreSQL credentials (migrate)': {
    args: ['migrate', 'up'],
    env: () => ({ DATABASE_URL: postgresAs('nobody_here', SECRETS.pgPassword) }),
    code: 1,
    error: /PostgreSQL: cannot use postgres:\/\/nobody_here:\*\*\*@.* — check the user and password/,
  },
  'wrong PostgreSQL credentials (info sync)': {
    args: ['info', 'sync', '--symbols', 'AAPL'],
    env: () => ({ DATABASE_URL: postgresAs('nobody_here', SECRETS.pgPassword) }),
    code: 1,
    error: /PostgreSQL: cannot use postgres:\/\/nobody_here:\*\*\*@.* — check the user and password/,
  },
  'wrong PostgreSQL credentials (consume)': {
    args: ['consume', '--sinks', 'postgres'],
    env: () => ({ ...ownKafka(), DATABASE_URL: postgresAs('nobody_here', SECRETS.pgPassword) }),
    code: 1,
    error: /PostgreSQL: .*nobody_here:\*\*\*@.* — check postgres\.url/,
  },
  'a PostgreSQL database that does not exist': {
    args: ['migrate', 'up'],
    env: () => ({ DATABASE_URL: postgresAs('stockstream', SECRETS.pgPassword, 'no_such_database') }),
    code: 1,
    error: /PostgreSQL: cannot use .*no_such_database .* — create the database/,
  },
  'a Grafana nobody listens on': {
    args: ['dashboards', 'push', '--url', 'http://127.0.0.1:1'],
    env: () => ({ GRAFANA_TOKEN: SECRETS.grafanaToken }),
    code: 1,
    error: /Grafana: cannot reach http:\/\/127\.0\.0\.1:1 .* — start Grafana/,
  },
};

describe('bad user input', () => {
  beforeAll(async () => {
    pricesTopic = await createTopic(madeTopics(uniqueName('bad_input_prices')), 1);
  });
  afterAll(dropMade);
  it.each(Object.entries(rows))(
    '%s: one error line, the right exit code, no secret',
    { timeout: 60_000 },
    async (_, row) => {
      const result = await runCli(row.args, {
        cwd,
        env: cleanEnv({ NO_COLOR: '1', ...row.env?.() }),
        timeoutMs: 45_000,
      });
      const output = `${result.stdout}${result.stderr}`;
      expect(result.code, output).toBe(row.code);
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('error'));
      expect(errors, output).toHaveLength(1);
      expect(errors[0]).toMatch(row.error);
      for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
    },
  );
});
