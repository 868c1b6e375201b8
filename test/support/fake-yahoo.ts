/**
 * The one fake Yahoo of the tests, behind yahoo-finance2's `fetch` option: answers the cookie and
 * crumb handshake, then replays responses per path (in turn, the last one repeating) and records
 * every request, so tests see the library's real code path without the network. The built CLI gets
 * it through `yahoo-preload.ts` (see `fakeYahooEnv`); nothing of it ships in dist/.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Replayed {
  status?: number;
  /** A fixture name under test/fixtures/yahoo (without .json), an object, or raw text. */
  fixture?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeYahoo {
  fetch: typeof fetch;
  /** Every request, in order. */
  requests: URL[];
  /** Requests whose path starts with the prefix. */
  calls(pathPrefix: string): URL[];
}

const FIXTURES = new URL('../fixtures/yahoo/', import.meta.url);

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));
}

function respond(replayed: Replayed): Response {
  const body = replayed.fixture ? fixture(replayed.fixture) : replayed.body;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(text, {
    status: replayed.status ?? 200,
    headers: { 'content-type': 'application/json', ...replayed.headers },
  });
}

/**
 * `routes` maps a path prefix (like `/v7/finance/quote` or `/v8/finance/chart/AAPL`) to its answers;
 * `crumb` replaces the answers of `/v1/test/getcrumb` (to refuse it a few times).
 */
export function fakeYahoo(
  routes: Record<string, Replayed[]>,
  crumb: Replayed[] = [{ body: 'fixture-crumb', headers: { 'content-type': 'text/plain' } }],
  /** Answers for paths no route matches, looked up per path (a directory of recordings). */
  unrouted?: (url: URL) => Promise<Replayed[] | undefined>,
): FakeYahoo {
  const requests: URL[] = [];
  const turns = new Map<string, number>();
  const all: Record<string, Replayed[]> = { ...routes, '/v1/test/getcrumb': crumb };
  const inTurn = (key: string, answers: Replayed[]) => {
    const turn = turns.get(key) ?? 0;
    turns.set(key, turn + 1);
    return respond(answers[Math.min(turn, answers.length - 1)]!);
  };
  const fake = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    requests.push(url);
    if (url.hostname === 'finance.yahoo.com' || url.hostname === 'fc.yahoo.com') {
      return new Response('<html></html>', {
        status: 200,
        headers: { 'set-cookie': 'A3=fixture; Domain=.yahoo.com; Path=/; Secure; Max-Age=86400' },
      });
    }
    // Longest prefix wins, so `/v8/finance/chart/AAPL` beats `/v8/finance/chart`.
    const prefix = Object.keys(all)
      .filter((p) => url.pathname.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix !== undefined) return inTurn(prefix, all[prefix]!);
    const answers = await unrouted?.(url);
    return answers ? inTurn(url.pathname, answers) : new Response(`no fixture for ${url.pathname}`, { status: 418 });
  };
  return {
    fetch: fake as typeof fetch,
    requests,
    calls: (pathPrefix) => requests.filter((url) => url.pathname.startsWith(pathPrefix)),
  };
}

/** test/fixtures/yahoo-info: one recorded quoteSummary response per symbol. */
export const INFO_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/yahoo-info/', import.meta.url));

const QUOTE_SUMMARY = /^\/v10\/finance\/quoteSummary\/([^/?]+)/;

function notFound(symbol: string): Replayed {
  return {
    status: 404,
    body: {
      quoteSummary: {
        result: null,
        error: { code: 'Not Found', description: `Quote not found for symbol: ${symbol}` },
      },
    },
  };
}

/**
 * Yahoo's quoteSummary replayed from a directory: `<SYMBOL>.json` holds a response body as Yahoo
 * sends it (status 200, or 404 when its error code is "Not Found"), or `{"replay": [{"status": 429},
 * {"status": 200, "body": {...}}]}` answered in turn, the last one repeating. A symbol without a file
 * gets Yahoo's 404 "Quote not found".
 */
export function quoteSummaryFixtures(dir: string): FakeYahoo {
  return fakeYahoo({}, undefined, async (url) => {
    const match = QUOTE_SUMMARY.exec(url.pathname);
    if (!match) return undefined;
    const symbol = decodeURIComponent(match[1]!);
    let text: string;
    try {
      text = await readFile(join(dir, `${symbol}.json`), 'utf8');
    } catch {
      return [notFound(symbol)];
    }
    const parsed = JSON.parse(text) as { replay?: Replayed[]; quoteSummary?: { error?: { code?: string } | null } };
    if (Array.isArray(parsed.replay)) return parsed.replay;
    return [{ status: parsed.quoteSummary?.error?.code === 'Not Found' ? 404 : 200, body: parsed }];
  });
}

const PRELOAD = fileURLToPath(new URL('./yahoo-preload.ts', import.meta.url));

/**
 * Environment for the built CLI to meet `quoteSummaryFixtures(dir)` instead of Yahoo: Node preloads
 * test/support/yahoo-preload.ts, which replaces `fetch` for Yahoo's hosts before the CLI starts.
 */
export function fakeYahooEnv(dir: string): NodeJS.ProcessEnv {
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${PRELOAD}`.trim(), TEST_YAHOO_FIXTURES: dir };
}
