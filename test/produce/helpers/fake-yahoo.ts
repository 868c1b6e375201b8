/**
 * A stand-in for Yahoo behind yahoo-finance2's `fetch` option: answers the cookie and crumb
 * handshake, then replays responses per path (in turn, the last one repeating) and records every
 * request, so tests see the library's real code path without the network.
 */
import { readFileSync } from 'node:fs';

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

const FIXTURES = new URL('../../fixtures/yahoo/', import.meta.url);

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));
}

function respond(replayed: Replayed): Response {
  const body = replayed.fixture ? fixture(replayed.fixture) : replayed.body;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(text, { status: replayed.status ?? 200, headers: { 'content-type': 'application/json', ...replayed.headers } });
}

/**
 * `routes` maps a path prefix (like `/v7/finance/quote` or `/v8/finance/chart/AAPL`) to its answers;
 * `crumb` replaces the answers of `/v1/test/getcrumb` (to refuse it a few times).
 */
export function fakeYahoo(routes: Record<string, Replayed[]>, crumb: Replayed[] = [{ body: 'fixture-crumb', headers: { 'content-type': 'text/plain' } }]): FakeYahoo {
  const requests: URL[] = [];
  const turns = new Map<string, number>();
  const all: Record<string, Replayed[]> = { ...routes, '/v1/test/getcrumb': crumb };
  const next = (prefix: string) => {
    const answers = all[prefix]!;
    const turn = turns.get(prefix) ?? 0;
    turns.set(prefix, turn + 1);
    return respond(answers[Math.min(turn, answers.length - 1)]!);
  };
  const fake = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    requests.push(url);
    if (url.hostname === 'finance.yahoo.com' || url.hostname === 'fc.yahoo.com') {
      return new Response('<html></html>', { status: 200, headers: { 'set-cookie': 'A3=fixture; Domain=.yahoo.com; Path=/; Secure; Max-Age=86400' } });
    }
    // Longest prefix wins, so `/v8/finance/chart/AAPL` beats `/v8/finance/chart`.
    const prefix = Object.keys(all)
      .filter((p) => url.pathname.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix === undefined) return new Response(`no fixture for ${url.pathname}`, { status: 418 });
    return next(prefix);
  };
  return {
    fetch: fake as typeof fetch,
    requests,
    calls: (pathPrefix) => requests.filter((url) => url.pathname.startsWith(pathPrefix)),
  };
}
