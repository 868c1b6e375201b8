/**
 * `watch --sink` delivers through consume's own lanes (src/delivery/), so each sink's `concurrency`
 * and `writeAlone` hold in watch too (it used to build its own queues and drop both). The InfluxDB
 * sink allows 3 writes in flight and writes a batch holding an interim bar alone; the real InfluxDB
 * sits behind an HTTP pass-through that records when each write starts and ends.
 */
import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import type { Bar, WindowOutput } from '../../src/model.ts';
import { createLogger } from '../../src/ui/logger.ts';
import { createOutput } from '../../src/ui/output.ts';
import { openWatchSinks } from '../../src/watch/sinks.ts';
import { flux } from '../consume/support/read-back.ts';
import { testInflux } from '../support/services.ts';

interface Write {
  body: string;
  start: number;
  end?: number;
}

/**
 * Forwards every request to InfluxDB; a write is held until a second one is in flight (or 500 ms
 * passed, so a sink that writes one at a time is slow, not stuck), which makes overlap certain.
 */
async function recordingProxy(
  target: string,
): Promise<{ url: string; writes: Write[]; maxInFlight(): number; close(): Promise<void> }> {
  const writes: Write[] = [];
  let clock = 0;
  let inFlight = 0;
  let most = 0;
  const wake: Array<() => void> = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const write: Write | undefined =
      request.url?.startsWith('/api/v2/write') && body.length > 0
        ? { body: body.toString(), start: clock++ }
        : undefined;
    if (write) {
      writes.push(write);
      inFlight++;
      most = Math.max(most, inFlight);
      for (const resolve of wake.splice(0)) resolve();
      if (inFlight < 2) await new Promise<void>((resolve) => (wake.push(resolve), setTimeout(resolve, 500)));
    }
    const answer = await fetch(new URL(request.url ?? '/', target), {
      method: request.method,
      headers: Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'content-length') as Array<
          [string, string]
        >,
      ),
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
    });
    const text = await answer.text();
    if (write) {
      write.end = clock++;
      inFlight--;
    }
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    writes,
    maxInFlight: () => most,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const MINUTE = 60_000;
const START = Date.parse('2026-03-02T14:30:00Z');

function bar(i: number, final: boolean): WindowOutput {
  const start = START + i * MINUTE;
  const value: Bar = {
    symbol: 'AAPL',
    interval: '1m',
    start,
    end: start + MINUTE,
    open: 100,
    high: 101,
    low: 99,
    close: 100 + i / 100,
    volume: 10,
    vwap: 100,
    ticks: 3,
    final,
  };
  return { kind: 'bar', bar: value };
}

describe('watch --sink delivery', () => {
  it("keeps the InfluxDB sink's writes in flight at once, and writes the batch with an interim bar alone", async () => {
    const influx = await testInflux('ss_watch_lanes');
    const proxy = await recordingProxy(influx.url);
    try {
      // Small batches (the setting this test is about): 61 bars make 13 writes, enough to overlap.
      const config = configSchema.parse({
        sinks: { enabled: ['influx'], batchSize: 5 },
        influx: { url: proxy.url, token: influx.token, org: influx.org, bucket: influx.bucket },
      });
      const logger = createLogger({ level: 'error' });
      const failures: Error[] = [];
      const sinks = await openWatchSinks(
        config,
        { logger, json: false, out: createOutput(false), tty: false },
        logger,
        {
          onFailed: (error) => failures.push(error),
          stopped: new AbortController().signal,
        },
      );
      const outputs = [
        ...Array.from({ length: 30 }, (_, i) => bar(i, true)),
        bar(30, false),
        ...Array.from({ length: 30 }, (_, i) => bar(31 + i, true)),
      ];
      sinks.add(outputs);
      await sinks.close();
      expect(failures).toEqual([]);

      expect(proxy.maxInFlight(), 'writes in flight at once').toBeGreaterThan(1);
      expect(proxy.maxInFlight()).toBeLessThanOrEqual(3); // the sink's concurrency
      const alone = proxy.writes.filter((write) => write.body.includes('final=false'));
      expect(alone).toHaveLength(1);
      const { start, end } = alone[0]!;
      const overlapping = proxy.writes.filter(
        (write) => write !== alone[0] && write.start < end! && write.end! > start,
      );
      expect(overlapping, 'writes overlapping the one with the interim bar').toEqual([]);

      const rows = await flux(
        influx,
        `from(bucket: "${influx.bucket}") |> range(start: 0) |> filter(fn: (r) => r._measurement == "stock_bars" and r._field == "close") |> group() |> count()`,
      );
      expect(rows[0]?._value).toBe(61);
    } finally {
      await proxy.close();
    }
  });
});
