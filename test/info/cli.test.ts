// End to end through the built CLI, the way cron runs it: `migrate up && info sync`, then show and
// list. Yahoo is replayed from test/fixtures/yahoo-info through the test preload (fakeYahooEnv).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStockInfo } from '../../src/info/codec.ts';
import { tryAdvisoryLock } from '../../src/postgres/advisory-lock.ts';
import { cleanEnv, runCli } from '../support/cli.ts';
import { testKafka, testKafkaClient, uniqueName } from '../support/services.ts';
import { testDatabase, type TestDatabase } from '../postgres/database.ts';
import { fakeYahooEnv } from '../support/fake-yahoo.ts';
import { FIXTURES_DIR } from './fixtures.ts';

let db: TestDatabase;
let cwd: string;
let env: NodeJS.ProcessEnv;

const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  runCli(args, { cwd, env: { ...env, ...extraEnv }, timeoutMs: 60_000 });

beforeAll(async () => {
  db = await testDatabase();
  // No stockstream.config.ts here: defaults, environment and flags only.
  cwd = await mkdtemp(join(tmpdir(), 'ss-info-cli-'));
  env = cleanEnv({
    DATABASE_URL: db.url,
    ...fakeYahooEnv(FIXTURES_DIR),
    KAFKA_BROKERS: testKafka().join(','),
    NO_COLOR: '1',
  });
});

afterAll(async () => {
  await db.close();
  await rm(cwd, { recursive: true, force: true });
});

describe('stockstream migrate + info (built CLI)', () => {
  it('says to migrate first when the tables are missing', async () => {
    const sync = await cli(['info', 'sync', '--symbols', 'AAPL']);
    expect(sync.code).toBe(1);
    // (Not matching "stockstream": the logger scrubs the dev password, which is also "stockstream".)
    expect(sync.stderr).toMatch(/relation "stock_info" does not exist in schema public.*migrate up/);
    const status = await cli(['--json', 'migrate', 'status']);
    expect(status.code).toBe(0);
    const { migrations } = JSON.parse(status.stdout) as { migrations: { status: string }[] };
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.every((m) => m.status === 'pending')).toBe(true);
  });

  it('migrate up applies everything once, then is a no-op', async () => {
    const first = await cli(['migrate', 'up']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/applied 001_stock_info\.sql/);
    const again = await cli(['migrate', 'up']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/up to date/);
    const status = await cli(['migrate', 'status']);
    expect(status.stdout).toMatch(/001\s+stock_info\s+applied\s+[0-9a-f]{12}/);
  });

  it('info sync --symbols AAPL,MSFT stores both and exits 0, quietly', async () => {
    const sync = await cli(['--quiet', 'info', 'sync', '--symbols', 'AAPL,MSFT']);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toBe('');
    const rows = await db.sql`select symbol, short_name, sector, market_cap::text from stock_info order by symbol`;
    expect(rows).toEqual([
      { symbol: 'AAPL', short_name: 'Apple Inc.', sector: 'Technology', market_cap: '3484157951488' },
      { symbol: 'MSFT', short_name: 'Microsoft Corporation', sector: 'Technology', market_cap: '3116320178176' },
    ]);
    expect(await db.sql`select symbol from stock_info_history order by symbol`).toEqual([
      { symbol: 'AAPL' },
      { symbol: 'MSFT' },
    ]);
  });

  it('info show AAPL --json prints the stored row', async () => {
    for (const args of [
      ['--json', 'info', 'show', 'AAPL'],
      ['info', 'show', 'aapl', '--json'],
    ]) {
      const show = await cli(args);
      expect(show.code).toBe(0);
      const info = JSON.parse(show.stdout) as Record<string, unknown> & { raw: { price: { symbol: string } } };
      expect(info).toMatchObject({
        symbol: 'AAPL',
        longName: 'Apple Inc.',
        industry: 'Consumer Electronics',
        marketCap: 3484157951488,
        trailingPE: 37.89,
        shortRatio: 1.96,
      });
      expect(info.raw.price.symbol).toBe('AAPL');
    }
  });

  it('info show prints a card, and exits 1 for a symbol it has not stored', async () => {
    const card = await cli(['info', 'show', 'MSFT']);
    expect(card.code).toBe(0);
    expect(card.stdout).toMatch(/^MSFT {2}Microsoft Corporation/);
    expect(card.stdout).toMatch(/Market cap\s+3\.12T USD/);
    const unknown = await cli(['info', 'show', 'TSLA']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no stored metadata for TSLA.*info sync --symbols TSLA/);
  });

  it('info list filters by sector and sorts by market cap', async () => {
    const list = await cli(['info', 'list', '--sector', 'technology', '--sort', 'marketCap']);
    expect(list.code).toBe(0);
    const symbols = list.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s+/)[0]);
    expect(symbols).toEqual(['AAPL', 'MSFT']);
    const bad = await cli(['info', 'list', '--sort', 'price']);
    expect(bad.code).toBe(2);
  });

  it('exits 3 when some symbols fail and 1 when none synced, naming them on stderr', async () => {
    const partial = await cli(['info', 'sync', '--symbols', 'SPY,ZZZZZZ']);
    expect(partial.code).toBe(3);
    expect(partial.stderr).toMatch(/ZZZZZZ: Yahoo does not know ZZZZZZ/);
    expect(await db.sql`select symbol from stock_info where symbol = 'SPY'`).toHaveLength(1);
    const none = await cli(['info', 'sync', '--symbols', 'ZZZZZZ']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no symbol synced/);
    const usage = await cli(['info', 'sync', '--to', 'mysql']);
    expect(usage.code).toBe(2);
  });

  it('offline: one line with the cause (DNS) and the fix, not "fetch failed", exit 1', async () => {
    // The real network path (no recorded responses), with Yahoo's names made unresolvable.
    const offline = await cli(['info', 'sync', '--symbols', 'AAPL,MSFT,NVDA'], {
      TEST_YAHOO_FIXTURES: '',
      NODE_OPTIONS: `--import ${fileURLToPath(new URL('../yahoo/offline-preload.ts', import.meta.url))}`,
    });
    expect(offline.code).toBe(1);
    expect(offline.stderr).not.toMatch(/fetch failed|\n\s+at /);
    expect(offline.stderr).toMatch(/error +no symbol synced: DNS lookup of \S+ failed \((ENOTFOUND|EAI_AGAIN)\)/);
    expect(offline.stderr).toMatch(
      /no internet connection or no DNS: check the network and its DNS server; without Yahoo, use --source synthetic/,
    );
    // The symbols that were not asked share one line instead of one each.
    expect(offline.stderr.split('\n').filter((line) => line.includes('not asked'))).toHaveLength(1);
  });

  it('refuses to overlap with a sync that is still running', async () => {
    const lock = await tryAdvisoryLock(db.sql, 'info-sync:public');
    expect(lock).toBeDefined();
    try {
      const second = await cli(['info', 'sync', '--symbols', 'AAPL']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/another `info sync` is running/);
    } finally {
      await lock!.release();
    }
  });

  it('--to kafka publishes to a compacted topic keyed by symbol', async () => {
    const topic = uniqueName('info');
    const sync = await cli(['--json', 'info', 'sync', '--symbols', 'AAPL,MSFT', '--to', 'kafka'], {
      STOCKSTREAM_KAFKA_TOPICS_INFO: topic,
    });
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toEqual({ to: ['kafka'], synced: ['AAPL', 'MSFT'], failed: [] });

    const kafka = testKafkaClient();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
        includeSynonyms: false,
      });
      expect(described.resources[0]!.configEntries[0]!.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }

    const consumer = kafka.consumer({ groupId: uniqueName('info-reader') });
    await consumer.connect();
    const received = new Map<string, string>();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            const info = decodeStockInfo(message.value);
            received.set(message.key!.toString(), info.symbol);
            if (received.size === 2) resolve();
          },
        });
      });
      await Promise.race([
        done,
        new Promise((_, reject) => setTimeout(() => reject(new Error('no messages within 30s')), 30_000)),
      ]);
    } finally {
      await consumer.disconnect();
    }
    expect(Object.fromEntries(received)).toEqual({ AAPL: 'AAPL', MSFT: 'MSFT' });
  });
});
