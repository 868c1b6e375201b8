/**
 * The real local services as benchmarks use them: a config per run with unique topic, group and
 * bucket names (runs never see each other's data), InfluxDB buckets made and dropped through the
 * HTTP API, Flux counts to check what a run wrote, and cleanup of everything a run created.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { configSchema, type Config, type UserConfig } from '../../src/config/schema.ts';
import { avoidNegativeTimeouts } from '../../src/kafka/negative-timeouts.ts';
import { dlqTopic, ensureTopics } from '../../src/kafka/topics.ts';
import { createLogger, type Logger } from '../../src/ui/logger.ts';

const DEFAULTS = configSchema.parse({});
export const BROKERS = process.env.KAFKA_BROKERS?.split(',') ?? DEFAULTS.kafka.brokers;
export const INFLUX = {
  url: process.env.INFLUX_URL ?? DEFAULTS.influx.url,
  token: process.env.INFLUX_TOKEN ?? DEFAULTS.influx.token,
  org: process.env.INFLUX_ORG ?? DEFAULTS.influx.org,
};

/** Benchmarks print a table; only warnings and errors of the pipeline reach stderr. */
export const quietLogger: Logger = createLogger({ quiet: true });

/** `bench-<what>-<time>-<random>`: valid as a Kafka topic, consumer group and InfluxDB bucket. */
export function uniqueName(what: string): string {
  return `bench-${what}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** N symbols named like real tickers (S0001…), valid for the config's symbol pattern. */
export function benchSymbols(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `S${String(i + 1).padStart(4, '0')}`);
}

/**
 * `npm run bench:short` (BENCH_SHORT=1): fewer ticks and runs, for development. Its figures are
 * noisier and its workloads differ (their own fingerprints in bench/expected.json).
 */
export const SHORT = process.env.BENCH_SHORT === '1';

/** Reads a positive number from the environment, or the default (`short` in a short run). */
export function envNumber(name: string, fallback: number, short = fallback): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return SHORT ? short : fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw} is not a positive number`);
  return value;
}

/** A comma-separated list of positive numbers from the environment (`BENCH_CONSUME_SYMBOLS=100,5000`). */
export function envNumbers(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw.split(',').map((part) => {
    const value = Number(part.trim().replace(/_/g, ''));
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw}: ${part} is not a positive number`);
    return value;
  });
}

/** A config for one run: its own prices/state topics, group and bucket, services at the default URLs. */
export function runConfig(names: { prices: string; bucket: string; group?: string }, patch: UserConfig = {}): Config {
  const group = names.group ?? `${names.prices}-group`;
  return configSchema.parse({
    ...patch,
    kafka: {
      ...patch.kafka,
      brokers: BROKERS,
      groupId: group,
      connectTimeout: '20s',
      topics: { prices: names.prices, state: `${group}-state` },
    },
    influx: { ...patch.influx, ...INFLUX, bucket: names.bucket },
  } satisfies UserConfig);
}

export function benchKafka(): Kafka {
  avoidNegativeTimeouts(); // as createKafka does: no TimeoutNegativeWarning in the bench's output
  return new Kafka({ clientId: uniqueName('admin'), brokers: BROKERS, logLevel: logLevel.NOTHING });
}

/** Through the product's ensureTopics, which also waits out a new topic's brief UNKNOWN_TOPIC answers. */
export async function createTopic(topic: string, partitions: number): Promise<void> {
  await ensureTopics(benchKafka(), runConfig({ prices: topic, bucket: 'unused' }), quietLogger, [
    { topic, partitions },
  ]);
}

/** Deletes the topics that exist of these (with their `.dlq`), and the consumer groups. */
export async function deleteKafkaResources(topics: readonly string[], groups: readonly string[] = []): Promise<void> {
  const admin = benchKafka().admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = [...topics, ...topics.map(dlqTopic), ...groups.map((group) => `${group}-state`)].filter((topic) =>
      existing.has(topic),
    );
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
    if (groups.length > 0) await admin.deleteGroups([...groups]).catch(() => undefined); // a group that never committed does not exist
  } finally {
    await admin.disconnect();
  }
}

async function influx(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(new URL(path, INFLUX.url), {
    ...init,
    headers: {
      Authorization: `Token ${INFLUX.token}`,
      'Content-Type': 'application/json',
      ...(init.headers as Record<string, string> | undefined),
    },
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok)
    throw new Error(`InfluxDB ${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

let orgId: string | undefined;

/** Creates a bucket (InfluxDB 2.x) and returns its id, for deleteBucket. */
export async function createBucket(name: string): Promise<string> {
  if (!orgId) {
    const { orgs } = (await (await influx(`/api/v2/orgs?org=${encodeURIComponent(INFLUX.org)}`)).json()) as {
      orgs: Array<{ id: string }>;
    };
    orgId = orgs[0]?.id;
    if (!orgId) throw new Error(`InfluxDB has no org ${INFLUX.org}`);
  }
  const bucket = (await (
    await influx('/api/v2/buckets', {
      method: 'POST',
      body: JSON.stringify({ name, orgID: orgId, retentionRules: [] }),
    })
  ).json()) as { id: string };
  return bucket.id;
}

/** Deletes a bucket; one that is gone already (a restarted server with fresh data) is fine. */
export async function deleteBucket(id: string): Promise<void> {
  const response = await fetch(new URL(`/api/v2/buckets/${id}`, INFLUX.url), {
    method: 'DELETE',
    headers: { Authorization: `Token ${INFLUX.token}` },
  });
  if (!response.ok && response.status !== 404)
    throw new Error(`InfluxDB DELETE bucket ${id}: ${response.status} ${await response.text()}`);
}

/** How many points of one field a measurement holds in a bucket (all time). */
export async function countPoints(bucket: string, measurement: string, field: string): Promise<number> {
  const flux = `from(bucket: ${JSON.stringify(bucket)}) |> range(start: 0) |> filter(fn: (r) => r._measurement == ${JSON.stringify(measurement)} and r._field == ${JSON.stringify(field)}) |> group() |> count()`;
  const csv = await (
    await influx(`/api/v2/query?org=${encodeURIComponent(INFLUX.org)}`, {
      method: 'POST',
      body: JSON.stringify({ query: flux, type: 'flux' }),
      headers: { Accept: 'application/csv' },
    })
  ).text();
  // Annotated CSV: a header row naming `_value`, then one row with the count (none when empty).
  const rows = csv
    .trim()
    .split(/\r?\n/)
    .filter((row) => row !== '');
  if (rows.length < 2) return 0;
  const column = rows[0]!.split(',').indexOf('_value');
  return Number(rows[1]!.split(',')[column]);
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
