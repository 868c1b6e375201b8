// Helpers for tests against the real services that test/support/global-setup.ts made sure are up.
//
//   const brokers = testKafka();                          // ['127.0.0.1:9092']
//   const topic = await createTopic(uniqueName('prices'), 4);
//   const influx = await testInflux();                    // fresh bucket: { url, token, org, bucket, flavor }
//   const pgUrl = await testPostgres();                   // fresh database: postgres://…/ss_test_…
//
// Every call makes new, uniquely named resources, so suites run in parallel and again and again.
// Suites that restart the servers (test/faults) drop what they made when done (deleteTopics,
// dropInflux, dropPostgres): a broker SIGKILLed with hundreds of leftover topics takes minutes to
// recover its logs. Nothing is mocked.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { avoidNegativeTimeouts } from '../../src/kafka/negative-timeouts.ts';
import postgres from 'postgres';
import { inject } from 'vitest';
import type { InfluxFlavor, ServiceFacts } from './global-setup.ts';
import { waitFor } from './wait.ts';

export type { InfluxFlavor, ServiceFacts };

export interface TestInflux {
  url: string;
  token: string;
  org: string;
  /** 2.7: a bucket name; 1.8: "database/autogen" (what /api/v2/write and Flux `from` expect). */
  bucket: string;
  flavor: InfluxFlavor;
}

/** Test databases older than this are dropped by later testPostgres() calls. */
const STALE_DATABASE_MS = 60 * 60 * 1000;

export function services(): ServiceFacts {
  return inject('services');
}

/** The Kafka bootstrap brokers, e.g. ['127.0.0.1:9092']. */
export function testKafka(): string[] {
  return [...services().kafkaBrokers];
}

/**
 * A name no other suite or run uses: `${prefix}_${time}_${pid}_${random}`, lower case, made of
 * [a-z0-9_] so it is valid as a Kafka topic, an InfluxDB bucket or database and a PostgreSQL
 * identifier. The time part (base 36 ms) lets stale test databases be found later.
 */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  return `${clean}_${Date.now().toString(36)}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/** A kafkajs client for the test brokers (quiet: tests assert, they don't log). */
export function testKafkaClient(clientId = uniqueName('test')): Kafka {
  avoidNegativeTimeouts(); // as createKafka does: no TimeoutNegativeWarning in test output either
  return new Kafka({ clientId, brokers: testKafka(), logLevel: logLevel.ERROR });
}

/** Create a topic (auto-creation is off) and wait until every partition has a leader. */
export async function createTopic(name: string, partitions = 4): Promise<string> {
  const admin = testKafkaClient().admin();
  await admin.connect();
  try {
    await admin
      .createTopics({
        topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      })
      // Right after creating it, Kafka may answer metadata for the topic with UNKNOWN_TOPIC_OR_PARTITION,
      // which kafkajs' wait for leaders does not wait out: the topic exists, look again below.
      .catch((error: unknown) => {
        if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
      });
    let ready = 0;
    return await waitFor(
      async () => {
        const { topics } = await admin
          .fetchTopicMetadata({ topics: [name] })
          .catch(() => ({ topics: [] as { partitions: { leader: number }[] }[] }));
        ready = topics[0]?.partitions.filter((p) => p.leader >= 0).length ?? 0;
        return ready === partitions ? name : undefined;
      },
      `topic ${name} to have a leader on each of its ${partitions} partitions`,
      30_000,
      () => `${ready} of ${partitions} have one`,
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes every topic whose name starts with one of `prefixes` (a suite's topics all start with its
 * name: prices, state, DLQ, outputs) and the consumer groups named so; returns the topics deleted.
 */
export async function deleteTopics(prefixes: readonly string[]): Promise<string[]> {
  const admin = testKafkaClient().admin();
  await admin.connect();
  try {
    const mine = (name: string) => prefixes.some((prefix) => name.startsWith(prefix));
    const topics = (await admin.listTopics()).filter(mine);
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter(mine);
    // A group still has members for a few seconds after a kill: it goes with its session; the offsets are tiny.
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
    return topics;
  } finally {
    await admin.disconnect();
  }
}

async function influxRequest(path: string, init: RequestInit & { token: string }): Promise<Response> {
  const { url } = services().influx;
  const res = await fetch(new URL(path, url), {
    ...init,
    headers: { Authorization: `Token ${init.token}`, ...(init.headers as Record<string, string>) },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) {
    throw new Error(`InfluxDB ${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  }
  return res;
}

/**
 * A fresh InfluxDB bucket for this suite. 2.7: created through /api/v2/buckets in the org.
 * 1.8: `CREATE DATABASE` through /query; the bucket is `${db}/autogen`.
 */
export async function testInflux(prefix = 'ss_test'): Promise<TestInflux> {
  const { url, token, org, flavor } = services().influx;
  const name = uniqueName(prefix);
  if (flavor === '1.8') {
    const body = new URLSearchParams({ q: `CREATE DATABASE "${name}"` });
    const res = await influxRequest('/query', { method: 'POST', token, body });
    const result = (await res.json()) as { results?: { error?: string }[] };
    const error = result.results?.[0]?.error;
    if (error) throw new Error(`InfluxDB CREATE DATABASE ${name}: ${error}`);
    return { url, token, org, bucket: `${name}/autogen`, flavor };
  }
  const orgs = (await (await influxRequest(`/api/v2/orgs?org=${encodeURIComponent(org)}`, { token })).json()) as {
    orgs: { id: string }[];
  };
  const orgID = orgs.orgs[0]?.id;
  if (!orgID) throw new Error(`InfluxDB org ${org} not found`);
  await influxRequest('/api/v2/buckets', {
    method: 'POST',
    token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ orgID, name, retentionRules: [] }),
  });
  return { url, token, org, bucket: name, flavor };
}

/** Deletes a bucket testInflux() made (1.8: its database). */
export async function dropInflux(influx: Pick<TestInflux, 'bucket'>): Promise<void> {
  const { token, org, flavor } = services().influx;
  if (flavor === '1.8') {
    const database = influx.bucket.split('/')[0]!;
    await influxRequest('/query', {
      method: 'POST',
      token,
      body: new URLSearchParams({ q: `DROP DATABASE "${database}"` }),
    });
    return;
  }
  const found = (await (
    await influxRequest(`/api/v2/buckets?org=${encodeURIComponent(org)}&name=${encodeURIComponent(influx.bucket)}`, {
      token,
    })
  ).json()) as { buckets: { id: string }[] };
  for (const { id } of found.buckets) await influxRequest(`/api/v2/buckets/${id}`, { method: 'DELETE', token });
}

/** The server URL with another database name in its path. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Drop test databases left by runs that ended over an hour ago (names carry their time). */
async function dropStaleDatabases(sql: postgres.Sql): Promise<void> {
  const rows = await sql<{ datname: string }[]>`
    select datname from pg_database where datname like 'ss\\_test\\_%'`;
  for (const { datname } of rows) {
    const created = parseInt(datname.split('_')[2] ?? '', 36);
    if (Number.isFinite(created) && Date.now() - created > STALE_DATABASE_MS) {
      await sql`drop database if exists ${sql(datname)} with (force)`.catch(() => {});
    }
  }
}

/**
 * A fresh PostgreSQL database for this suite (`CREATE DATABASE ss_test_…`), returned as a URL
 * with the same credentials. The role is a superuser, so tests may create schemas, roles, etc.
 */
export async function testPostgres(): Promise<string> {
  const base = services().postgresUrl;
  const name = uniqueName('ss_test');
  const sql = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await dropStaleDatabases(sql);
    for (let attempt = 1; ; attempt++) {
      try {
        await sql`create database ${sql(name)}`;
        break;
      } catch (error) {
        // 55006: template1 is briefly in use by another CREATE DATABASE; try again.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  return withDatabase(base, name);
}

/** Drops a database testPostgres() made, closing whatever connections a killed consumer left. */
export async function dropPostgres(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const sql = postgres(services().postgresUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`drop database if exists ${sql(name)} with (force)`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
