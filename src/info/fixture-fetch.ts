/**
 * Replays recorded-shape Yahoo responses instead of calling Yahoo: used by the tests, and by the
 * built CLI when STOCKSTREAM_YAHOO_FIXTURES=<dir> is set (so end-to-end tests can run
 * `stockstream info sync` without the network).
 *
 * In <dir>, `<SYMBOL>.json` answers the quoteSummary request of that symbol. It holds either
 *   - a response body as Yahoo sends it (`{"quoteSummary": {...}}`), served with status 200, or
 *     404 when its error code is "Not Found"; or
 *   - `{"replay": [{"status": 429}, {"status": 200, "body": {...}}]}`: answers in turn, the last
 *     one repeating (a 429 and then success).
 * A symbol without a file gets Yahoo's 404 "Quote not found". The cookie and crumb handshake is
 * answered too, so the library runs its real code path.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ReplayedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FixtureFetch {
  fetch: typeof fetch;
  /** URLs requested so far, in order. */
  requests: string[];
}

const QUOTE_SUMMARY = /\/v10\/finance\/quoteSummary\/([^/?]+)/;

function notFound(symbol: string): ReplayedResponse {
  return { status: 404, body: { quoteSummary: { result: null, error: { code: 'Not Found', description: `Quote not found for symbol: ${symbol}` } } } };
}

function toResponse(replayed: ReplayedResponse): Response {
  const body = replayed.body === undefined ? null : typeof replayed.body === 'string' ? replayed.body : JSON.stringify(replayed.body);
  return new Response(body, { status: replayed.status, headers: { 'content-type': 'application/json', ...replayed.headers } });
}

async function readScript(dir: string, symbol: string): Promise<ReplayedResponse[]> {
  let text: string;
  try {
    text = await readFile(join(dir, `${symbol}.json`), 'utf8');
  } catch {
    return [notFound(symbol)];
  }
  const parsed = JSON.parse(text) as { replay?: ReplayedResponse[]; quoteSummary?: { error?: { code?: string } | null } };
  if (Array.isArray(parsed.replay)) return parsed.replay;
  return [{ status: parsed.quoteSummary?.error?.code === 'Not Found' ? 404 : 200, body: parsed }];
}

export function createFixtureFetch(dir: string): FixtureFetch {
  const requests: string[] = [];
  const served = new Map<string, number>();
  const fixtureFetch = async (input: string | URL | Request): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    requests.push(url);
    const { hostname, pathname } = new URL(url);
    if (hostname === 'finance.yahoo.com' || hostname === 'fc.yahoo.com') {
      return new Response('<html></html>', { status: 200, headers: { 'set-cookie': 'A3=fixture; Domain=.yahoo.com; Path=/; Secure; Max-Age=86400' } });
    }
    if (pathname === '/v1/test/getcrumb') return new Response('fixture-crumb', { status: 200 });
    const match = QUOTE_SUMMARY.exec(pathname);
    if (!match) return new Response('not replayed', { status: 418 });
    const symbol = decodeURIComponent(match[1]!);
    const script = await readScript(dir, symbol);
    const turn = served.get(symbol) ?? 0;
    served.set(symbol, turn + 1);
    return toResponse(script[Math.min(turn, script.length - 1)]!);
  };
  return { fetch: fixtureFetch as typeof fetch, requests };
}
