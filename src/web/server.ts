/**
 * The `watch --web` server on 127.0.0.1: the page and its script, lightweight-charts served from
 * the installed package (the page works offline), `/api/snapshot`, and `/events` — Server-Sent
 * Events that start with a full snapshot, so a page that reconnects (EventSource does that by
 * itself) catches up on what it missed.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';
import type { FeedEvent, WebFeed } from './feed.ts';

/** From src/web and from dist/web alike: the page files are shipped in src/web/page. */
const PAGE_DIR = new URL('../../src/web/page/', import.meta.url);
// The package exports only its ES module; its standalone build (one global, no bundler needed) sits
// next to package.json, which it does export.
const CHARTS_FILE = join(
  dirname(createRequire(import.meta.url).resolve('lightweight-charts/package.json')),
  'dist/lightweight-charts.standalone.production.js',
);
/** Keeps proxies and idle timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

const STATIC: Record<string, { file: URL | string; type: string }> = {
  '/': { file: new URL('index.html', PAGE_DIR), type: 'text/html; charset=utf-8' },
  '/app.js': { file: new URL('app.js', PAGE_DIR), type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: new URL('app.css', PAGE_DIR), type: 'text/css; charset=utf-8' },
  '/vendor/lightweight-charts.js': { file: CHARTS_FILE, type: 'text/javascript; charset=utf-8' },
};

export interface WebServer {
  readonly url: string;
  close(): Promise<void>;
}

function sse(response: ServerResponse, event: FeedEvent | ReturnType<WebFeed['snapshot']>): void {
  response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

export async function startWebServer(feed: WebFeed, port: number): Promise<WebServer> {
  const streams = new Set<ServerResponse>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/events') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      response.write('retry: 1000\n\n');
      sse(response, feed.snapshot());
      const unsubscribe = feed.subscribe((event) => sse(response, event));
      streams.add(response);
      request.on('close', () => {
        unsubscribe();
        streams.delete(response);
      });
      return;
    }
    if (path === '/api/snapshot') {
      response
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(feed.snapshot()));
      return;
    }
    const asset = STATIC[path];
    if (!asset) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const body = await readFile(asset.file);
    response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' }).end(body);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`${String(error)}\n`);
    });
  });
  const heartbeat = setInterval(() => {
    for (const response of streams) response.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      clearInterval(heartbeat);
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(
              `--port ${port}: the port is in use`,
              'choose another with --port, or --port 0 for any free one',
            )
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    async close() {
      clearInterval(heartbeat);
      for (const response of streams) response.end();
      streams.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
