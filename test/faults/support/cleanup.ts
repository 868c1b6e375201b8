/**
 * What a fault suite made on the servers — topics, consumer groups, InfluxDB buckets, PostgreSQL
 * databases — recorded as it is made and dropped in the suite's afterAll, once `allUp()` brought
 * every server back. Fault runs restart and SIGKILL the broker; with the topics of earlier runs
 * left behind (hundreds) its log recovery after a SIGKILL takes minutes and the next tests time out.
 */
import { createSuite, type ConsumeSuite, type SuiteOptions } from '../../consume/support/suite.ts';
import { deleteTopics, dropInflux, dropPostgres, type TestInflux } from '../../support/services.ts';

const topicPrefixes: string[] = [];
const buckets: Array<Pick<TestInflux, 'bucket'>> = [];
const databases: string[] = [];

/** createSuite, its topics, group, bucket and database dropped by dropMade(). */
export async function faultSuite(prefix: string, options?: SuiteOptions): Promise<ConsumeSuite> {
  const suite = await createSuite(prefix, options);
  topicPrefixes.push(`${suite.name}_`);
  buckets.push(suite.influx);
  databases.push(suite.postgresUrl);
  return suite;
}

/** Topics and groups whose names start with `prefix`, dropped by dropMade(). */
export function madeTopics(prefix: string): string {
  topicPrefixes.push(prefix);
  return prefix;
}

/** A database (by URL) dropped by dropMade(). */
export function madeDatabase(url: string): string {
  databases.push(url);
  return url;
}

/** Drops everything recorded so far; for afterAll, after allUp(). */
export async function dropMade(): Promise<void> {
  const prefixes = topicPrefixes.splice(0);
  await Promise.all([
    prefixes.length > 0 ? deleteTopics(prefixes) : undefined,
    ...buckets.splice(0).map((bucket) => dropInflux(bucket)),
    ...databases.splice(0).map((url) => dropPostgres(url)),
  ]);
}
