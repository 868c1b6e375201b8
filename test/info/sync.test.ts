import { beforeEach, describe, expect, it } from 'vitest';
import { quoteSummaryFixtures } from '../support/fake-yahoo.ts';
import { createRateGate } from '../../src/info/rate-gate.ts';
import { syncStockInfo, type InfoTarget, type SyncOptions } from '../../src/info/sync.ts';
import { postgresTarget } from '../../src/info/targets.ts';
import { createSummaryFetcher } from '../../src/info/yahoo-summary.ts';
import type { StockInfo } from '../../src/model.ts';
import { getStockInfo } from '../../src/postgres/repositories/stock-info.ts';
import { createLogger } from '../../src/ui/logger.ts';
import { useMigratedDatabase } from '../postgres/database.ts';
import { FIXTURES_DIR, summaryOf } from './fixtures.ts';

/** Log lines land here instead of on the test's stderr. */
function captureLogger() {
  const lines: string[] = [];
  const stream = { write: (text: string) => lines.push(text) } as unknown as NodeJS.WritableStream;
  return { logger: createLogger({ json: true, stream, level: 'debug' }), lines };
}

/** The fixture replay, with the time each request arrived and the time its answer was ready. */
function timedFixtures() {
  const replay = quoteSummaryFixtures(FIXTURES_DIR);
  const calls: { url: string; at: number; answered?: number }[] = [];
  const timed = (async (input: string | URL | Request, init?: RequestInit) => {
    const call: { url: string; at: number; answered?: number } = { url: String(input), at: performance.now() };
    calls.push(call);
    const response = await replay.fetch(input, init);
    call.answered = performance.now();
    return response;
  }) as typeof fetch;
  return { fetch: timed, calls };
}

/** Runs a sync against the fixture replay; `calls` are the quoteSummary requests, `lines` the logs. */
async function syncWithFixtures(symbols: string[], options: Partial<SyncOptions> = {}) {
  const { logger, lines } = captureLogger();
  const fixtures = timedFixtures();
  const result = await syncStockInfo(symbols, {
    fetchSummary: createSummaryFetcher({ logger, fetch: fixtures.fetch }),
    targets: [],
    logger,
    ...options,
  });
  const all = fixtures.calls;
  return { result, all, calls: all.filter((call) => call.url.includes('/quoteSummary/')), lines };
}

function memoryTarget(): InfoTarget & { written: StockInfo[][] } {
  const written: StockInfo[][] = [];
  return { name: 'memory', written, write: async (infos) => void written.push(infos) };
}

describe('info sync against replayed Yahoo responses', () => {
  const database = useMigratedDatabase();

  beforeEach(async () => {
    await database().sql`truncate stock_info, stock_info_history`;
  });

  it('stores AAPL and MSFT in stock_info and today’s history row, raw payload included', async () => {
    const { result, all, calls } = await syncWithFixtures(['AAPL', 'MSFT'], {
      targets: [postgresTarget(database().sql, 'America/New_York')],
    });
    expect(result.failed).toEqual([]);
    expect(result.synced.map((info) => info.symbol)).toEqual(['AAPL', 'MSFT']);
    const rows = await database()
      .sql`select symbol, long_name, sector, industry, market_cap::text, forward_pe::float8, raw->'price'->>'symbol' as raw_symbol from stock_info order by symbol`;
    expect(rows).toEqual([
      {
        symbol: 'AAPL',
        long_name: 'Apple Inc.',
        sector: 'Technology',
        industry: 'Consumer Electronics',
        market_cap: '3484157951488',
        forward_pe: 30.41,
        raw_symbol: 'AAPL',
      },
      {
        symbol: 'MSFT',
        long_name: 'Microsoft Corporation',
        sector: 'Technology',
        industry: 'Software - Infrastructure',
        market_cap: '3116320178176',
        forward_pe: 29.97,
        raw_symbol: 'MSFT',
      },
    ]);
    const history = await database()
      .sql`select symbol, date = (now() at time zone 'America/New_York')::date as today from stock_info_history order by symbol`;
    expect(history).toEqual([
      { symbol: 'AAPL', today: true },
      { symbol: 'MSFT', today: true },
    ]);
    // The library's real crumb handshake ran once, then one request per symbol.
    expect(calls).toHaveLength(2);
    expect(all.filter((call) => call.url.includes('getcrumb'))).toHaveLength(1);
  });

  it('reports a symbol Yahoo does not know without retrying it, and stores the rest', async () => {
    const { result, calls } = await syncWithFixtures(['ZZZZZZ', 'SPY'], {
      targets: [postgresTarget(database().sql, 'America/New_York')],
    });
    expect(result.failed).toEqual([{ symbol: 'ZZZZZZ', reason: 'Yahoo does not know ZZZZZZ' }]);
    expect(calls.filter((call) => call.url.includes('/quoteSummary/ZZZZZZ'))).toHaveLength(1);
    // SPY's payload misses sector, industry, market cap and P/Es: stored as NULL.
    const spy = await getStockInfo(database().sql, 'SPY');
    expect(spy).toMatchObject({ symbol: 'SPY', longName: 'SPDR S&P 500 ETF Trust', fiftyTwoWeekHigh: 609.07 });
    expect(spy?.sector).toBeUndefined();
    expect(spy?.trailingPE).toBeUndefined();
  });

  it('backs off on 429, then succeeds, and writes all symbols in one go', async () => {
    const target = memoryTarget();
    const { result, calls, lines } = await syncWithFixtures(['NVDA', 'AAPL', 'MSFT'], {
      targets: [target],
      concurrency: 1,
      gate: createRateGate({ initialMs: 200, maxMs: 400 }),
    });
    expect(result.failed).toEqual([]);
    expect(target.written).toHaveLength(1);
    expect(target.written[0]!.map((info) => info.symbol)).toEqual(['NVDA', 'AAPL', 'MSFT']);
    expect(calls.map((call) => /quoteSummary\/(\w+)/.exec(call.url)![1])).toEqual([
      'NVDA',
      'NVDA',
      'NVDA',
      'AAPL',
      'MSFT',
    ]);
    // Each retry waited at least half the backoff ceiling (full jitter: between ceiling/2 and ceiling).
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(95);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(195);
    expect(lines.filter((line) => line.includes('rate limiting'))).toHaveLength(2);
  });

  it('holds other symbols back while one is being refused (shared backoff)', async () => {
    const { result, calls } = await syncWithFixtures(['NVDA', 'AAPL', 'MSFT', 'SPY'], {
      concurrency: 2,
      gate: createRateGate({ initialMs: 300, maxMs: 300 }),
    });
    expect(result.failed).toEqual([]);
    // Measured from when the refusal was answered: under load a request the other worker sent while
    // NVDA's was still in flight (before anyone knew of the 429) must not count.
    const firstRefusal = calls.find((call) => call.url.includes('NVDA'))!.answered!;
    const laterOthers = calls.filter((call) => !call.url.includes('NVDA') && call.at > firstRefusal + 5);
    // The other worker's later symbols started only after the pause, not during it.
    expect(laterOthers.length).toBeGreaterThan(0);
    for (const call of laterOthers) expect(call.at - firstRefusal).toBeGreaterThanOrEqual(145);
  });

  it('gives up on a symbol after maxAttempts rate limits and says why', async () => {
    const { result } = await syncWithFixtures(['NVDA'], {
      maxAttempts: 2,
      gate: createRateGate({ initialMs: 10, maxMs: 10 }),
    });
    expect(result.synced).toEqual([]);
    expect(result.failed).toEqual([
      {
        symbol: 'NVDA',
        reason: 'Yahoo is rate limiting (HTTP 429 Too Many Requests)',
        fix: expect.stringMatching(/^poll less often/),
      },
    ]);
  });
});

describe('info sync: one symbol’s bad metadata fails only that symbol (issue 14 defect 5)', () => {
  const database = useMigratedDatabase();

  beforeEach(async () => {
    await database().sql`truncate stock_info, stock_info_history`;
  });

  /** AAPL's recorded summary with a market cap beyond bigint and a U+0000 in its name. */
  function hostileSummary(symbol: string): Record<string, unknown> {
    const summary = structuredClone(summaryOf(symbol)) as Record<string, Record<string, unknown>>;
    if (symbol === 'AAPL')
      summary.price = { ...summary.price, marketCap: { raw: 1e20, fmt: '100000P' }, longName: 'Apple\u0000 Inc.' };
    return summary;
  }

  it('stores a market cap beyond bigint and text with U+0000, and the other symbols with them', async () => {
    const { logger } = captureLogger();
    const result = await syncStockInfo(['AAPL', 'MSFT'], {
      fetchSummary: async (symbol) => hostileSummary(symbol),
      targets: [postgresTarget(database().sql, 'America/New_York')],
      logger,
    });
    expect(result.failed).toEqual([]);
    const rows = await database().sql`select symbol, long_name, market_cap::text from stock_info order by symbol`;
    expect(rows).toEqual([
      { symbol: 'AAPL', long_name: 'Apple Inc.', market_cap: '100000000000000000000' },
      { symbol: 'MSFT', long_name: 'Microsoft Corporation', market_cap: '3116320178176' },
    ]);
  });

  it('when a target refuses the batch, writes each symbol alone and fails only the one it refuses', async () => {
    const { logger } = captureLogger();
    const postgres = postgresTarget(database().sql, 'America/New_York');
    // Stands for data a target cannot hold that nobody has thought of yet.
    const picky: InfoTarget = {
      name: 'postgres',
      write: async (infos) =>
        infos.some((info) => info.symbol === 'AAPL')
          ? Promise.reject(new Error('value out of range'))
          : postgres.write(infos),
    };
    const result = await syncStockInfo(['AAPL', 'MSFT'], {
      fetchSummary: async (symbol) => summaryOf(symbol),
      targets: [picky],
      logger,
    });
    expect(result.failed).toEqual([{ symbol: 'AAPL', reason: 'postgres refused it: value out of range' }]);
    expect(result.synced.map((info) => info.symbol)).toEqual(['MSFT']);
    expect((await getStockInfo(database().sql, 'MSFT'))?.longName).toBe('Microsoft Corporation');
  });
});
