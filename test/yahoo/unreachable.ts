/**
 * Yahoo as it fails in the field, for real: a DNS name that does not resolve, a server that does
 * not speak TLS, a closed port, and a local HTTP server answering a status. `yahooAt(origin)` is a
 * `fetch` that sends every request yahoo-finance2 makes there instead, so the library, our fetch
 * guard and the classifier all see the real error objects Node produces.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Every Yahoo host with `.invalid` appended: a real DNS failure (ENOTFOUND, or EAI_AGAIN offline). */
export const UNRESOLVABLE = (url: URL) => `https://${url.hostname}.invalid${url.pathname}${url.search}`;

function urlOf(input: string | URL | Request): URL {
  return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
}

/** A fetch that sends each request to `target(url)` instead; `requests` counts what was asked. */
export function yahooAt(target: (url: URL) => string): typeof fetch & { requests: URL[] } {
  const requests: URL[] = [];
  const redirected = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = urlOf(input);
    requests.push(url);
    return globalThis.fetch(target(url), init);
  }) as typeof fetch;
  return Object.assign(redirected, { requests });
}

export interface LocalServer {
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A local HTTP server answering with `status` (429 with a Retry-After of one second); with
 * `handshake`, the cookie page and the crumb answer first as Yahoo's do, so the data request gets it.
 */
export async function answering(status: number, { handshake = true } = {}): Promise<LocalServer> {
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (handshake && path.startsWith('/v1/test/getcrumb'))
      return void response.writeHead(200, { 'content-type': 'text/plain' }).end('local-crumb');
    if (handshake && !path.startsWith('/v'))
      return void response.writeHead(200, { 'set-cookie': 'A3=local; Path=/; Max-Age=86400' }).end('<html></html>');
    response
      .writeHead(status, { 'content-type': 'text/plain', ...(status === 429 ? { 'retry-after': '1' } : {}) })
      .end(`status ${status}`);
  });
  return listen(server);
}

async function listen(server: Server): Promise<LocalServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (it was just free): connecting there is refused. */
export async function closedPort(): Promise<number> {
  const local = await listen(createServer());
  await local.close();
  return local.port;
}

/** Sends each request, path kept, to `origin`. */
export const to = (origin: string) => (url: URL) => `${origin}${url.pathname}${url.search}`;
