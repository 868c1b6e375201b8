/**
 * Per-suite resources for the consume tests, all real and uniquely named: the prices topic (and
 * the engine's state, DLQ and derived topics), a fresh InfluxDB bucket, a fresh migrated PostgreSQL
 * database, and a JSON config file the CLI child processes read with --config.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config, type UserConfig } from '../../../src/config/schema.ts';
import { createPostgres } from '../../../src/postgres/client.ts';
import { migrateUp } from '../../../src/postgres/migrate.ts';
import {
  createTopic,
  testInflux,
  testKafka,
  testKafkaClient,
  testPostgres,
  uniqueName,
  type TestInflux,
} from '../../support/services.ts';
import { readMessages, sendInOrder, suiteTopics, type TopicMessage } from '../../support/topics.ts';
import type { Message } from './ticks.ts';

export interface ConsumeSuite {
  name: string;
  dir: string;
  influx: TestInflux;
  postgresUrl: string;
  /** The user config written to `configPath` (same for every consumer of the suite). */
  userConfig: UserConfig;
  config: Config;
  configPath: string;
}

export interface SuiteOptions {
  partitions?: number;
  /** Only for a test about a window setting (say why at the call). */
  windows?: UserConfig['windows'];
  /** `enabled`: the sinks the test reads back; anything else only for a test about it (say why). */
  sinks?: UserConfig['sinks'];
  /** Another way to the suite's InfluxDB (a proxy that can fail on purpose). */
  influxUrl?: string;
}

/**
 * The settings a suite may set apart from the shipped defaults: where the suite's own servers,
 * topics, bucket, database, group and output file are (unique per suite so suites do not share
 * data), which sinks it reads back, and the sink settings a test is about. Everything else —
 * windows, idle timeout, lateness, flush interval, timeouts — is what a user runs;
 * `suite-defaults.test.ts` checks it. A test that must change another setting passes it through
 * `options` with a comment saying why, and adds it here.
 */
export const SUITE_OVERRIDES = [
  'kafka.brokers',
  'kafka.groupId',
  'kafka.partitions',
  'kafka.topics',
  'influx.url',
  'influx.token',
  'influx.org',
  'influx.bucket',
  'postgres.url',
  'sinks.enabled',
  'sinks.file.path',
] as const;

interface SuitePlaces {
  name: string;
  dir: string;
  partitions: number;
  influx: Pick<TestInflux, 'url' | 'token' | 'org' | 'bucket'>;
  postgresUrl: string;
}

/** The user config of a suite: only where its resources are, the rest comes from the defaults. */
export function suiteUserConfig(
  { name, dir, partitions, influx, postgresUrl }: SuitePlaces,
  options: SuiteOptions = {},
): UserConfig {
  return {
    kafka: {
      brokers: testKafka(),
      groupId: `${name}_group`,
      partitions,
      topics: suiteTopics(name),
    },
    ...(options.windows ? { windows: options.windows } : {}),
    sinks: { enabled: ['influx', 'postgres', 'file'], file: { path: join(dir, 'outputs.ndjson') }, ...options.sinks },
    influx: { url: influx.url, token: influx.token, org: influx.org, bucket: influx.bucket },
    postgres: { url: postgresUrl },
  };
}

export async function createSuite(prefix: string, options: SuiteOptions = {}): Promise<ConsumeSuite> {
  const name = uniqueName(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const partitions = options.partitions ?? 4;
  const [influx, postgresUrl] = await Promise.all([
    testInflux(),
    testPostgres(),
    createTopic(`${name}_prices`, partitions),
  ]);
  const userConfig = suiteUserConfig(
    { name, dir, partitions, influx: { ...influx, url: options.influxUrl ?? influx.url }, postgresUrl },
    options,
  );
  const config = configSchema.parse(userConfig);
  // Two connections: the migration lock holds one while the pool answers on the other.
  const sql = createPostgres(config, { max: 2 });
  try {
    await migrateUp(sql, { schema: config.postgres.schema });
  } finally {
    await sql.end({ timeout: 5 });
  }
  const configPath = join(dir, 'stockstream.config.json');
  writeFileSync(configPath, JSON.stringify(userConfig, null, 2));
  return { name, dir, influx, postgresUrl, userConfig, config, configPath };
}

/** Publishes in order (idempotent producer, one request in flight): per-key order is kept. */
export async function produce(topic: string, messages: Message[], headers?: Record<string, string>): Promise<void> {
  await sendInOrder(topic, headers ? messages.map((message) => ({ ...message, headers })) : messages);
}

export type ReadMessage = Omit<TopicMessage, 'value'> & { value: string | null };

/** Reads a whole topic from the beginning until `count` messages arrived (or the deadline passed), values as text. */
export async function readTopic(topic: string, count: number, timeoutMs = 30_000): Promise<ReadMessage[]> {
  const messages = await readMessages(topic, count, { timeoutMs });
  return messages.map((message) => ({ ...message, value: message.value?.toString() ?? null }));
}

/** Committed offsets of a group and the end offsets of the topic, per partition. */
export async function groupProgress(
  groupId: string,
  topic: string,
): Promise<Array<{ partition: number; committed: number; end: number }>> {
  const admin = testKafkaClient().admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return ends
      .map(({ partition, high }) => ({
        partition,
        committed: Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1),
        end: Number(high),
      }))
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}
