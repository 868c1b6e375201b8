// vitest globalSetup: make sure real Kafka, InfluxDB and PostgreSQL answer before any test runs.
//
// 1. Take the URLs from the environment (KAFKA_BROKERS, INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG,
//    INFLUX_BUCKET, POSTGRES_URL), else from the facts `scripts/services up` wrote to
//    $STOCKSTREAM_CACHE/run/services.env, else the docker-compose defaults.
// 2. If all three answer a real request there, use them (docker compose, or services already up).
// 3. Otherwise run `scripts/services up` (its progress shows) and use the facts it wrote.
//
// Tests read the facts with `inject('services')` (see services.ts); they are also exported to
// process.env under the names above (plus INFLUX_FLAVOR, read from the server) for code and
// child processes that read the environment.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { avoidNegativeTimeouts } from '../../src/kafka/negative-timeouts.ts';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';

export type InfluxFlavor = '2.7' | '1.8';

export interface ServiceFacts {
  kafkaBrokers: string[];
  influx: { url: string; token: string; org: string; bucket: string; flavor: InfluxFlavor };
  postgresUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceFacts;
  }
}

const SCRIPT = fileURLToPath(new URL('../../scripts/services', import.meta.url));
const CACHE = process.env.STOCKSTREAM_CACHE ?? join(homedir(), '.cache', 'stockstream');
const SERVICES_ENV = join(CACHE, 'run', 'services.env');

const DEFAULTS: Record<string, string> = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  INFLUX_URL: 'http://127.0.0.1:8086',
  INFLUX_ORG: 'stockstream',
  INFLUX_BUCKET: 'stocks',
  POSTGRES_URL: 'postgres://stockstream:stockstream@127.0.0.1:5432/stockstream',
};

/** KEY=VALUE lines of services.env, or {} when `scripts/services up` has not run here. */
function readServicesEnv(): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(SERVICES_ENV, 'utf8');
  } catch {
    return {};
  }
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) vars[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return vars;
}

/** The environment wins over services.env, which wins over the defaults. */
function configured(): Record<string, string | undefined> {
  const file = readServicesEnv();
  const pick = (key: string) => process.env[key] || file[key] || DEFAULTS[key];
  return {
    KAFKA_BROKERS: pick('KAFKA_BROKERS'),
    INFLUX_URL: pick('INFLUX_URL'),
    INFLUX_ORG: pick('INFLUX_ORG'),
    INFLUX_BUCKET: pick('INFLUX_BUCKET'),
    POSTGRES_URL: pick('POSTGRES_URL'),
    // A token is only good for the server it was made for: the file's, if it ran this flavour.
    INFLUX_TOKEN: process.env.INFLUX_TOKEN,
    FILE_INFLUX_TOKEN: file.INFLUX_TOKEN,
    FILE_INFLUX_FLAVOR: file.INFLUX_FLAVOR,
  };
}

async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  avoidNegativeTimeouts(); // as createKafka does
  const admin = new Kafka({
    clientId: 'stockstream-test-probe',
    brokers,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** InfluxDB's version from /health (2.x and 1.8), or undefined when it does not answer. */
async function influxVersion(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(3_000) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { status?: string; version?: string };
    return body.status === 'pass' ? (body.version ?? 'unknown') : undefined;
  } catch {
    return undefined;
  }
}

async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 as one`;
    return row?.one === 1;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Facts when all three services answer at the configured URLs, else undefined. */
async function probe(): Promise<ServiceFacts | undefined> {
  const env = configured();
  const brokers = env
    .KAFKA_BROKERS!.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const [kafkaOk, version, pgOk] = await Promise.all([
    kafkaAnswers(brokers),
    influxVersion(env.INFLUX_URL!),
    postgresAnswers(env.POSTGRES_URL!),
  ]);
  if (!kafkaOk || version === undefined || !pgOk) return undefined;

  // The server says what it is: 1.8 reports "1.8.10", 2.x "v2.7.12".
  const flavor: InfluxFlavor = /^v?1\./.test(version) ? '1.8' : '2.7';
  // InfluxDB 1.8 takes "user:password" as its token; 2.x the admin token.
  const token =
    env.INFLUX_TOKEN ??
    (env.FILE_INFLUX_FLAVOR === flavor ? env.FILE_INFLUX_TOKEN : undefined) ??
    (flavor === '1.8' ? 'admin:stockstream-admin' : 'stockstream-dev-token');
  return {
    kafkaBrokers: brokers,
    influx: { url: env.INFLUX_URL!, token, org: env.INFLUX_ORG!, bucket: env.INFLUX_BUCKET!, flavor },
    postgresUrl: env.POSTGRES_URL!,
  };
}

function servicesUp(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['up'], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `scripts/services up failed (${signal ?? `exit ${code}`}); see its output above, ` +
              `or run: scripts/services status && scripts/services logs`,
          ),
        );
    });
  });
}

export default async function setup(project: TestProject): Promise<void> {
  let facts = await probe();
  if (!facts) {
    console.log('[services] Kafka, InfluxDB or PostgreSQL not answering: running scripts/services up');
    await servicesUp();
    facts = await probe();
    if (!facts) {
      throw new Error(
        `scripts/services up succeeded but the services do not answer at the configured URLs ` +
          `(environment or ${SERVICES_ENV}); check KAFKA_BROKERS, INFLUX_URL and POSTGRES_URL`,
      );
    }
  }

  project.provide('services', facts);
  Object.assign(process.env, {
    KAFKA_BROKERS: facts.kafkaBrokers.join(','),
    INFLUX_URL: facts.influx.url,
    INFLUX_TOKEN: facts.influx.token,
    INFLUX_ORG: facts.influx.org,
    INFLUX_BUCKET: facts.influx.bucket,
    INFLUX_FLAVOR: facts.influx.flavor,
    POSTGRES_URL: facts.postgresUrl,
  });
}
