/**
 * The `consume` command's contract at its edges: bad flags are usage errors (exit 2) naming the
 * flag, unreachable or unprepared services are exit 1 with the fix, and `--info` keeps stock_info
 * in PostgreSQL up to date from the info topic.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dlqTopic } from '../../src/kafka/topics.ts';
import { encodeRecord, type StockInfo } from '../../src/model.ts';
import { cleanEnv, runCli } from '../support/cli.ts';
import { createTopic, testKafka, testKafkaClient, testPostgres, uniqueName } from '../support/services.ts';
import { startConsumer, type ConsumerProcess } from './support/consumer-process.ts';
import { waitFor } from '../support/wait.ts';
import { createSuite, produce, readTopic, type ConsumeSuite } from './support/suite.ts';

/** An empty directory: the repository's stockstream.config.ts must not be found. */
const cwd = mkdtempSync(join(tmpdir(), 'consume-cli-'));

function consume(args: string[], timeoutMs = 30_000) {
  return runCli(['consume', ...args], { cwd, env: cleanEnv(), timeoutMs });
}

describe('consume flags', () => {
  it.each([
    [['--sinks', 'influx,bogus'], /--sinks: "bogus" is not a sink — use influx, postgres, kafka, console, file/],
    [['--sinks', ','], /--sinks is empty/],
    [['--metrics-port', 'abc'], /--metrics-port: "abc" is not a whole number/],
    [['--metrics-port', '70000'], /--metrics-port: 70000 is not a port/],
    [['--intervals', '1m,soon'], /windows\.bars\.intervals\[1\]: "soon" is not a bar interval .*--intervals/],
    [['--connect-timeout', 'forever'], /--connect-timeout: "forever" is not a duration/],
  ])('%j is a usage error', async (args, message) => {
    const result = await consume(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('names the broker and exits 1 when Kafka cannot be reached', async () => {
    const result = await consume(['--brokers', '127.0.0.1:1', '--connect-timeout', '2s', '--sinks', 'console']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Kafka: cannot reach 127\.0\.0\.1:1 \(connection refused: nothing listens there\)/);
  });

  it('stops with exit 1 on a mistyped topic, naming the topics that exist (closest first), and creates nothing', async () => {
    const topic = await createTopic(uniqueName('typo_prices'), 1);
    const mistyped = topic.replace('prices', 'price');
    const state = uniqueName('state');
    const result = await runCli(['consume', '--sinks', 'console', '--topic', mistyped], {
      cwd,
      env: cleanEnv({ KAFKA_BROKERS: testKafka().join(','), STOCKSTREAM_KAFKA_TOPICS_STATE: state }),
    });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`topic ${mistyped} does not exist on .*existing topics, closest first: ${topic}[,)]`),
    );
    expect(result.stderr).toMatch(/check --topic \/ kafka\.topics\.prices for a typo/);
    const admin = testKafkaClient().admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      expect(topics).not.toContain(mistyped);
      expect(topics).not.toContain(dlqTopic(mistyped));
      expect(topics).not.toContain(state);
    } finally {
      await admin.disconnect();
    }
  });

  it('says to run `migrate up` when the PostgreSQL tables are missing', async () => {
    const [url, topic] = await Promise.all([testPostgres(), createTopic(uniqueName('prices'), 1)]);
    const result = await runCli(['consume', '--sinks', 'postgres', '--topic', topic], {
      cwd,
      env: cleanEnv({
        KAFKA_BROKERS: testKafka().join(','),
        DATABASE_URL: url,
        STOCKSTREAM_KAFKA_TOPICS_STATE: uniqueName('state'),
      }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /PostgreSQL: table\(s\) stock_bars, stock_indicators, stock_alerts missing .* — create them with `stockstream migrate up`/,
    );
    expect(result.stderr).not.toMatch(/:stockstream@/); // the password stays out of the message
  });
});

describe('consume --info', () => {
  let suite: ConsumeSuite;
  let consumer: ConsumerProcess | undefined;
  const info: StockInfo = {
    symbol: 'AAPL',
    shortName: 'Apple Inc.',
    sector: 'Technology',
    marketCap: 3_500_000_000_000,
    trailingPE: 31.25,
    fetchedAt: Date.parse('2026-01-06T12:00:00Z'),
  };

  beforeAll(async () => {
    suite = await createSuite('consume_info', { sinks: { enabled: ['file'] } });
    const topic = suite.config.kafka.topics.info;
    await createTopic(topic, 1);
    await produce(topic, [
      { key: 'AAPL', value: encodeRecord(info) },
      { key: 'MSFT', value: '{"v":1,"symbol":"MSFT"}' },
    ]);
  });

  afterAll(async () => {
    await consumer?.stop('SIGKILL');
  });

  it('stores stock info from the info topic in PostgreSQL and dead-letters what does not decode', async () => {
    consumer = await startConsumer(suite.configPath, ['--info']);
    const sql = postgres(suite.postgresUrl, { max: 1, onnotice: () => {} });
    try {
      const row = await waitFor(
        async () => (await sql`select * from stock_info where symbol = 'AAPL'`)[0],
        'the AAPL row in stock_info',
      );
      expect(row).toMatchObject({
        short_name: 'Apple Inc.',
        sector: 'Technology',
        market_cap: '3500000000000',
        trailing_pe: '31.25',
      });
      expect((row.fetched_at as Date).getTime()).toBe(info.fetchedAt);
    } finally {
      await sql.end({ timeout: 5 });
    }
    const [dead] = await readTopic(dlqTopic(suite.config.kafka.topics.info), 1);
    expect(dead).toMatchObject({ key: 'MSFT', value: '{"v":1,"symbol":"MSFT"}' });
    expect(dead!.headers).toMatchObject({
      'error.stage': 'info-decode',
      'original.topic': suite.config.kafka.topics.info,
      'original.offset': '1',
    });
    expect(dead!.headers.error).toMatch(/fetchedAt/);
    expect(await consumer.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
