/**
 * The metrics endpoint of `consume` and `produce`: GET /metrics (Prometheus text), /healthz (the
 * process answers: liveness) and /readyz (200 only while the command can do its job: readiness,
 * with the reasons it cannot in the body). Binds 127.0.0.1 unless told otherwise, since metrics
 * name symbols, topics and hosts that are nobody else's business.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { ConnectError, errorMessage } from '../errors.ts';

export const DEFAULT_METRICS_HOST = '127.0.0.1';

export interface MetricsServerOptions {
  port: number;
  host?: string;
  /** Why the command is not ready now; empty when it is. */
  notReady(): string[];
}

export interface MetricsServer {
  /** Where it listens, for the log line: http://127.0.0.1:9464 */
  readonly url: string;
  close(): void;
}

export async function serveMetrics(registry: Registry, options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? DEFAULT_METRICS_HOST;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    if (path === '/readyz') {
      const reasons = options.notReady();
      res
        .writeHead(reasons.length === 0 ? 200 : 503, { 'Content-Type': 'text/plain' })
        .end(reasons.length === 0 ? 'ready\n' : `${reasons.join('\n')}\n`);
      return;
    }
    if (path !== '/metrics' && path !== '/') {
      res.writeHead(404).end('see /metrics, /healthz, /readyz\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      (error: unknown) => res.writeHead(500).end(errorMessage(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new ConnectError('metrics', `cannot listen on ${host}:${options.port} (${errorMessage(error)})`, {
          hint: 'pick a free port with --metrics-port (and an address of this machine with --metrics-host)',
          cause: error,
        }),
      ),
    );
    server.listen(options.port, host, resolve);
  });
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shown}:${options.port}`, close: () => server.close() };
}
