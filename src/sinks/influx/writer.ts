/**
 * The InfluxDB write path: one line-protocol body per request to /api/v2/write, resolved when
 * InfluxDB answered 204 and rejected with the client's HttpError otherwise (the sink's `fatal`
 * tells a fix from a retry). Used by the sink and by the benchmark's InfluxDB-alone run, so both
 * measure the same HTTP path.
 */
import { InfluxDB } from '@influxdata/influxdb-client';
import type { Config } from '../../config/schema.ts';

const REQUEST_TIMEOUT_MS = 30_000;

export interface InfluxWriter {
  /** Sends one body of lines (ms precision); resolves once InfluxDB stored it. */
  write(body: string): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.');
}

export function createInfluxWriter(config: Config): InfluxWriter {
  const { transport } = new InfluxDB({
    url: config.influx.url,
    token: config.influx.token,
    timeout: REQUEST_TIMEOUT_MS,
  });
  const path = `/api/v2/write?${new URLSearchParams({ org: config.influx.org, bucket: config.influx.bucket, precision: 'ms' })}`;
  const options = {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    // Compressing for a server on this very host only burns CPU at both ends (measured: engine →
    // InfluxDB 40–45k → 56–65k ticks/s on 2 cores, bench/consume.ts); across a network it pays.
    gzipThreshold: isLoopback(config.influx.url) ? undefined : 1_000,
  };
  return {
    // The client's transport straight, not its WriteApi: that one buffers records and counts the
    // UTF-8 bytes of every body it is given (~5% of consume's CPU) to split batches the engine has
    // already sized. The transport keeps what the client does well: keep-alive, the token, gzip,
    // and an HttpError with InfluxDB's own message for a refused write.
    write: async (body) => {
      await transport.request(path, body, options);
    },
    close: async () => {},
  };
}
