/**
 * Scenario 3: PostgreSQL stopped while `info sync` runs and while `consume` writes to it. Both say
 * clearly what is wrong and retry; nothing is stored half (a sync writes one transaction, the sink
 * idempotent upserts), and the exit codes are the documented ones: `info sync` 0 all synced,
 * 3 some, 1 none.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import type { Tick } from '../../src/model.ts';
import { createPostgres } from '../../src/postgres/client.ts';
import { migrateUp } from '../../src/postgres/migrate.ts';
import { cleanEnv, startCli } from '../support/cli.ts';
import { testPostgres } from '../support/services.ts';
import { startConsumer, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { produce, type ConsumeSuite } from '../consume/support/suite.ts';
import { tickMessages } from '../consume/support/ticks.ts';
import { fakeYahooEnv } from '../support/fake-yahoo.ts';
import { FIXTURES_DIR } from '../info/fixtures.ts';
import { dropMade, faultSuite, madeDatabase } from './support/cleanup.ts';
import { committedOffsets, waitForAllCommitted } from './support/progress.ts';
import { readBack, type ReadBack } from './support/read-back.ts';
import { allUp, startServer, stopServer } from './support/servers.ts';
import { session } from './support/session.ts';

/** The password of the test servers' URL, which must never be printed. */
const PASSWORD_IN_URL = /:stockstream@/;

// A failing test must not leave PostgreSQL down for the next one.
afterEach(async () => {
  await startServer('postgres');
});

afterAll(async () => {
  await allUp();
  await dropMade();
});

/**
 * Yahoo replayed from the recorded fixtures, except that MSFT answers 503 three times first: the
 * sync spends about 6 s fetching (1 + 2 + 3 s between tries), long enough to stop PostgreSQL
 * underneath it.
 */
function slowFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fault-info-fixtures-'));
  for (const file of readdirSync(FIXTURES_DIR)) copyFileSync(join(FIXTURES_DIR, file), join(dir, file));
  const msft = JSON.parse(readFileSync(join(FIXTURES_DIR, 'MSFT.json'), 'utf8')) as unknown;
  const unavailable = { status: 503, body: 'Service Unavailable' };
  writeFileSync(
    join(dir, 'MSFT.json'),
    JSON.stringify({ replay: [unavailable, unavailable, unavailable, { status: 200, body: msft }] }),
  );
  return dir;
}

async function migratedDatabase(): Promise<string> {
  const url = madeDatabase(await testPostgres());
  const sql = createPostgres(configSchema.parse({ postgres: { url } }), { max: 1 });
  try {
    await migrateUp(sql, { schema: 'public' });
  } finally {
    await sql.end({ timeout: 5 });
  }
  return url;
}

async function storedSymbols(url: string): Promise<{ latest: string[]; history: string[] }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const latest = await sql<{ symbol: string }[]>`select symbol from stock_info order by symbol`;
    const history = await sql<{ symbol: string }[]>`select symbol from stock_info_history order by symbol`;
    return { latest: latest.map((row) => row.symbol), history: history.map((row) => row.symbol) };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

describe('PostgreSQL stopped during info sync', () => {
  let fixtures: string;
  let cwd: string;

  beforeAll(() => {
    fixtures = slowFixtures();
    cwd = mkdtempSync(join(tmpdir(), 'fault-info-'));
  });

  const sync = (url: string, symbols: string) =>
    startCli(['info', 'sync', '--symbols', symbols], {
      cwd,
      env: cleanEnv({ DATABASE_URL: url, ...fakeYahooEnv(fixtures), NO_COLOR: '1' }),
    });

  it(
    'retries the write until PostgreSQL is back, stores every fetched symbol, and exits 3 for the unknown one',
    { timeout: 120_000 },
    async () => {
      const url = await migratedDatabase();
      const run = sync(url, 'AAPL,MSFT,NVDA,ZZZZZZ');
      await run.waitForStderr(/MSFT: .*retrying/, 'the sync retrying MSFT');
      await stopServer('postgres');
      await run.waitForStderr(/PostgreSQL .* not reachable .* retry 1 in/, 'the sync retrying PostgreSQL');
      await startServer('postgres');
      const exit = await run.exited;

      expect(exit.code, run.stderr()).toBe(3);
      expect(run.stderr()).toMatch(/^error ZZZZZZ: Yahoo does not know ZZZZZZ$/m);
      expect(run.stderr()).toMatch(/^error 1 of 4 symbol\(s\) failed: ZZZZZZ — the others were stored/m);
      expect(run.stderr()).not.toMatch(PASSWORD_IN_URL);
      expect(await storedSymbols(url)).toEqual({ latest: ['AAPL', 'MSFT', 'NVDA'], history: ['AAPL', 'MSFT', 'NVDA'] });
    },
  );

  it(
    'exits 1 with one clear error line and stores nothing when PostgreSQL stays away',
    { timeout: 120_000 },
    async () => {
      const url = await migratedDatabase();
      const run = sync(url, 'AAPL,MSFT');
      await run.waitForStderr(/MSFT: .*retrying/, 'the sync retrying MSFT');
      await stopServer('postgres');
      const exit = await run.exited;
      await startServer('postgres');

      expect(exit.code, run.stderr()).toBe(1);
      const errors = run
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('error'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /^error PostgreSQL: cannot use postgres:\/\/stockstream:\*\*\*@127\.0\.0\.1:5432\/\w+ \(.+\) — start PostgreSQL/,
      );
      expect(run.stderr()).not.toMatch(PASSWORD_IN_URL);
      expect(await storedSymbols(url)).toEqual({ latest: [], history: [] });
    },
  );
});

describe('PostgreSQL stopped during consume', () => {
  let suite: ConsumeSuite;
  let before: Tick[];
  let during: Tick[];
  let back: ReadBack;
  let consumer: ConsumerProcess | undefined;

  beforeAll(async () => {
    // Small batches (the setting this test is about): several writes are in flight or queued when
    // PostgreSQL stops, so the test sees retries of half-sent work, not one batch after the outage.
    suite = await faultSuite('fault_pg', { sinks: { enabled: ['postgres'], batchSize: 200 } });
    const stream = session({ seed: 9, symbols: ['AAPL', 'MSFT', 'NVDA'], minutes: 45 }, [0.4]);
    [before, during] = stream.parts as [Tick[], Tick[]];
    back = readBack(suite, stream);
  });

  afterAll(async () => {
    await consumer?.stop('SIGKILL');
  });

  it('says so, retries, and then holds exactly the undisturbed results', { timeout: 180_000 }, async () => {
    const topic = suite.config.kafka.topics.prices;
    await produce(topic, tickMessages(before));
    consumer = await startConsumer(suite.configPath);
    await waitForMetric(consumer, 'stockstream_ticks_consumed_total', before.length);

    await stopServer('postgres');
    const committedAtOutage = await committedOffsets(suite);
    await produce(topic, tickMessages(during));
    await waitForMetric(consumer, 'stockstream_sink_retries_total', 3);
    expect(await committedOffsets(suite), 'nothing committed that PostgreSQL did not store').toEqual(committedAtOutage);
    await startServer('postgres');

    await waitForAllCommitted(suite, consumer, 'every offset committed after PostgreSQL came back');
    expect((await consumer.metrics()).get('stockstream_ticks_consumed_total')).toBe(before.length + during.length);
    expect(await consumer.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(consumer.stderr()).toMatch(
      /^warn +postgres: write failed \(.+\); retry \d+ in \d+ms, buffering meanwhile$/m,
    );
    expect(consumer.stderr()).not.toMatch(PASSWORD_IN_URL);
    expect(await back.postgres()).toEqual(back.expected);
  });
});
