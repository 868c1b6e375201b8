/**
 * Yahoo failures name their cause and a fix (issue 16): one classifier (src/yahoo/failure.ts) for
 * `doctor`, the sources and `info sync`, fed the real errors Node and yahoo-finance2 produce for a
 * name that does not resolve, a server that does not speak TLS, a closed port and HTTP statuses.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkYahoo } from '../../src/doctor/checks.ts';
import { fetchStockInfos } from '../../src/info/sync.ts';
import { createSummaryFetcher } from '../../src/info/yahoo-summary.ts';
import { runYahoo } from '../../src/sources/yahoo/yahoo.ts';
import { createYahooClient } from '../../src/yahoo/client.ts';
import { explainYahooFailure } from '../../src/yahoo/failure.ts';
import { quietLogger, testConfig } from '../produce/helpers/kafka.ts';
import { waitFor } from '../support/wait.ts';
import { cleanEnv, runCli, startCli } from '../support/cli.ts';
import { testKafka, uniqueName } from '../support/services.ts';
import { recordingContext } from '../produce/helpers/source-context.ts';
import { answering, closedPort, to, UNRESOLVABLE, yahooAt, type LocalServer } from './unreachable.ts';

/** The real network path with Yahoo's names made unresolvable, for the built CLI. */
const OFFLINE_PRELOAD = fileURLToPath(new URL('./offline-preload.ts', import.meta.url));

const servers: LocalServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) await server.close();
});

/** What the client throws for a quote through `fetch`. */
async function quoteError(fetch: typeof globalThis.fetch): Promise<unknown> {
  const client = await createYahooClient({ logger: quietLogger(), fetch });
  return client.quote(['AAPL'], { return: 'array' }, { validateResult: false }).then(
    () => expect.unreachable('the quote should have failed'),
    (error: unknown) => error,
  );
}

async function local(status: number, options?: { handshake?: boolean }): Promise<LocalServer> {
  const server = await answering(status, options);
  servers.push(server);
  return server;
}

describe('explainYahooFailure on real failures', () => {
  it('DNS: names the host and the code, and the way out without network', async () => {
    const failure = explainYahooFailure(await quoteError(yahooAt(UNRESOLVABLE)));
    expect(failure.kind).toBe('dns');
    expect(failure.cause).toMatch(/^DNS lookup of \S+\.yahoo\.com\.invalid failed \((ENOTFOUND|EAI_AGAIN)\)$/);
    expect(failure.fix).toMatch(/no internet connection or no DNS.*--source synthetic or --source replay/);
  });

  it('TLS: a server that does not speak it', async () => {
    const plain = await local(200);
    const failure = explainYahooFailure(await quoteError(yahooAt(to(plain.origin.replace('http:', 'https:')))));
    expect(failure.kind).toBe('tls');
    expect(failure.cause).toMatch(/^TLS connection to Yahoo failed \((ERR_SSL_\w+|EPROTO)\)$/);
    expect(failure.fix).toMatch(/NODE_EXTRA_CA_CERTS/);
  });

  it('a refused connection', async () => {
    const port = await closedPort();
    const failure = explainYahooFailure(await quoteError(yahooAt(to(`http://127.0.0.1:${port}`))));
    expect(failure).toMatchObject({ kind: 'connection', cause: 'connection to Yahoo failed (ECONNREFUSED)' });
  });

  it.each([
    [429, 'rate-limit', /^Yahoo is rate limiting \(HTTP 429 Too Many Requests\)$/, /poll less often/],
    [503, 'http', /^Yahoo answered HTTP 503 \(a server error on its side\)$/, /wait and try again/],
    [403, 'http', /^Yahoo refused the request \(HTTP 403\)$/, /another network/],
  ])('HTTP %i, without the library printing the URL and its session crumb', async (status, kind, cause, fix) => {
    const server = await local(status);
    const printed = vi.spyOn(console, 'error');
    const failure = explainYahooFailure(await quoteError(yahooAt(to(server.origin))));
    expect(printed).not.toHaveBeenCalled();
    expect(failure.kind).toBe(kind);
    expect(failure.cause).toMatch(cause);
    expect(failure.fix).toMatch(fix);
  });

  it('a fetch failure with no code of its own still says what the socket said', () => {
    const failure = explainYahooFailure(new TypeError('fetch failed', { cause: new Error('other side closed') }));
    expect(failure).toMatchObject({ kind: 'other', cause: 'Yahoo request failed: fetch failed: other side closed' });
  });
});

describe('doctor uses the same words', () => {
  it('offline: not reachable, the DNS cause and its fix', async () => {
    const config = testConfig();
    const result = await checkYahoo(config, { timeoutMs: 5_000, logger: quietLogger(), fetch: yahooAt(UNRESOLVABLE) });
    expect(result).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^not reachable: DNS lookup of query1\.finance\.yahoo\.com\.invalid failed/),
    });
    expect(result.fix).toBe(explainYahooFailure(Object.assign(new Error('x'), { code: 'ENOTFOUND' })).fix);
  });

  it('rate limited: a 429 is not "reachable"', async () => {
    const server = await local(429, { handshake: false });
    const config = testConfig();
    const result = await checkYahoo(config, {
      timeoutMs: 5_000,
      logger: quietLogger(),
      fetch: yahooAt(to(server.origin)),
    });
    expect(result).toMatchObject({
      ok: false,
      detail: 'not reachable: Yahoo is rate limiting (HTTP 429 Too Many Requests)',
      fix: expect.stringMatching(/poll less often/),
    });
  });

  it('a server that never answers: the timeout, named', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const config = testConfig();
      const result = await checkYahoo(config, {
        timeoutMs: 300,
        logger: quietLogger(),
        fetch: yahooAt(to(`http://127.0.0.1:${port}`)),
      });
      expect(result).toMatchObject({ ok: false, detail: 'not reachable: no answer from Yahoo Finance within 300 ms' });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('stockstream doctor (built CLI) offline', () => {
  it('exits 1 with the Yahoo check naming the DNS failure and the fix', async () => {
    const env = cleanEnv({ NO_COLOR: '1', NODE_OPTIONS: `--import ${OFFLINE_PRELOAD}` });
    const result = await runCli(['--json', 'doctor', '--timeout', '5s'], {
      cwd: mkdtempSync(join(tmpdir(), 'ss-doctor-')),
      env,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    const yahoo = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { service: string })
      .find((check) => check.service === 'Yahoo Finance');
    expect(yahoo).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /^not reachable: DNS lookup of query1\.finance\.yahoo\.com\.invalid failed \((ENOTFOUND|EAI_AGAIN)\)$/,
      ),
      fix: expect.stringMatching(/^no internet connection or no DNS: .*--source synthetic or --source replay$/),
    });
  }, 60_000);
});

describe('stockstream produce (built CLI) offline', () => {
  it('warns once with the cause and the fix, keeps retrying with a status per retry, and stops on SIGTERM', async () => {
    const env = cleanEnv({ NODE_OPTIONS: `--import ${OFFLINE_PRELOAD}` });
    const args = [
      '--json',
      'produce',
      '--source',
      'yahoo',
      '--symbols',
      'AAPL',
      '--topic',
      uniqueName('prices_offline'),
      '--brokers',
      testKafka().join(','),
    ];
    const run = startCli(args, { cwd: mkdtempSync(join(tmpdir(), 'ss-produce-')), env });
    const records = () =>
      run
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: string; msg?: string; message?: string; status?: string });
    // The second retry's status: by then a second warning would have been written.
    await waitFor(() => records().some((record) => /retry 2 in/.test(record.status ?? '')), 'the second retry', 30_000);
    expect((await run.stop('SIGTERM')).code).toBe(0);
    const warnings = records().filter((record) => record.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toMatch(
      /DNS lookup of \S+ failed \(\w+\) on quote; retrying — fix: no internet connection or no DNS/,
    );
  }, 60_000);
});

describe('the yahoo source warns once per cause, with the fix, and keeps retrying', () => {
  it('offline: one warning, a status line per retry', async () => {
    const recording = recordingContext(['AAPL'], { stopAtSleep: 3 });
    await runYahoo(testConfig(), recording.ctx, { fetch: yahooAt(UNRESOLVABLE), sleep: recording.sleep });
    expect(recording.statuses).toEqual(
      [1, 2, 3].map((n) =>
        expect.stringMatching(new RegExp(`^DNS lookup of \\S+ failed \\(\\w+\\) on quote; retry ${n} in`)),
      ),
    );
    const warnings = recording.logLines.filter((line) => line.startsWith('warn'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /DNS lookup of \S+ failed .* on quote; retrying — fix: no internet connection or no DNS/,
    );
  });
});

describe('info sync offline', () => {
  it('asks Yahoo for the first symbols only, and every symbol fails with the cause and its fix', async () => {
    const logger = quietLogger();
    const fetch = yahooAt(UNRESOLVABLE);
    const symbols = ['AAPL', 'MSFT', 'NVDA', 'SPY', 'QQQ'];
    const result = await fetchStockInfos(symbols, {
      fetchSummary: createSummaryFetcher({ logger, fetch }),
      targets: [],
      logger,
    });
    expect(result.synced).toEqual([]);
    expect(result.failed.map((failure) => failure.symbol)).toEqual(symbols);
    for (const failure of result.failed) {
      expect(failure.reason).toMatch(/^(not asked: )?DNS lookup of \S+ failed/);
      expect(failure.fix).toMatch(/no internet connection or no DNS/);
    }
    // Two in flight at once by default; no retries of a DNS failure, nothing asked after it.
    expect(fetch.requests.length).toBeLessThanOrEqual(4);
  });
});
