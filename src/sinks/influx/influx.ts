/**
 * The `influx` sink: ticks, bars, indicators and alerts as InfluxDB points, one line-protocol body
 * per batch through the client's transport (`writer.ts`: millisecond precision, gzip for remote
 * servers). The engine batches and retries; resolved means InfluxDB answered 204. Works with
 * InfluxDB 2.x and with 1.8 (its /api/v2/write compatibility endpoint, token `user:password`,
 * bucket `database/retention-policy`).
 */
import { HttpError, setLogger } from '@influxdata/influxdb-client';
import type { Config } from '../../config/schema.ts';
import { ConnectError, errorMessage, type StockstreamError } from '../../errors.ts';
import type { WindowOutput } from '../../model.ts';
import type { Logger } from '../../ui/logger.ts';
import type { Sink, SinkModule } from '../types.ts';
import { createLineEncoder } from './line-protocol.ts';
import { createInfluxWriter } from './writer.ts';

/** InfluxDB ingests on all its cores; one request at a time leaves them idle. */
export const WRITES_IN_FLIGHT = 3;

/** The client logs failed writes itself; we report them (once, with a hint) from the engine. */
function quietClientLogs(logger: Logger): void {
  setLogger({
    error: (message, error) => logger.debug(`influx client: ${message} ${error ? errorMessage(error) : ''}`),
    warn: (message, error) => logger.debug(`influx client: ${message} ${error ? errorMessage(error) : ''}`),
  });
}

function fatalError(config: Config, error: unknown): StockstreamError | undefined {
  if (!(error instanceof HttpError)) return undefined;
  const where = `${config.influx.url} (org ${config.influx.org}, bucket ${config.influx.bucket})`;
  const detail =
    (error.json as { message?: string; error?: string } | undefined)?.message ?? error.body ?? error.message;
  switch (error.statusCode) {
    case 401:
    case 403:
      return new ConnectError('InfluxDB', `${where} refused the token (${error.statusCode})`, {
        hint: 'set influx.token / INFLUX_TOKEN to a token with write access to the bucket (1.8: user:password)',
        cause: error,
      });
    case 404:
      return new ConnectError('InfluxDB', `${where}: ${detail}`, {
        hint: 'create the bucket (`influx bucket create -n <name>`; 1.8: CREATE DATABASE) or set influx.bucket / influx.org',
        cause: error,
      });
    case 400:
    case 413:
    case 422:
      return new ConnectError('InfluxDB', `${where} rejected a write: ${detail}`, {
        hint:
          error.statusCode === 413
            ? 'lower sinks.batchSize'
            : 'a field changed type in an existing measurement — use a fresh bucket or rename influx.measurements',
        cause: error,
      });
    default:
      return undefined; // 429 and 5xx: the server is busy or failing for now, try again
  }
}

/**
 * Writes nothing, to learn at startup what the first real write would: InfluxDB answers an empty
 * write 204, 401/403 for a token without write access and 404 for a missing org or bucket. Else a
 * wrong token would only show once data flows, hours later when the market is closed. A server
 * that does not answer only gets a warning: the engine retries writes while it is away.
 */
async function checkWriteAccess(config: Config, logger: Logger): Promise<void> {
  const url = new URL(`${config.influx.url.replace(/\/+$/, '')}/api/v2/write`);
  url.search = new URLSearchParams({
    org: config.influx.org,
    bucket: config.influx.bucket,
    precision: 'ms',
  }).toString();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Token ${config.influx.token}` },
      body: '',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    logger.warn(
      `InfluxDB at ${config.influx.url} not reachable yet (${errorMessage(error)}); its outputs are buffered and retried`,
    );
    return;
  }
  if (response.ok) return;
  const fatal = fatalError(
    config,
    new HttpError(
      response.status,
      response.statusText,
      await response.text(),
      null,
      response.headers.get('content-type'),
    ),
  );
  if (fatal) throw fatal;
}

export function createInfluxSink(config: Config, logger: Logger): Sink {
  quietClientLogs(logger);
  const writer = createInfluxWriter(config);
  const encoder = createLineEncoder(config.influx.measurements);
  const writeTicks = config.sinks.writeTicks;

  return {
    name: 'influx',
    accepts: (output: WindowOutput) => output.kind !== 'tick' || writeTicks,
    // InfluxDB ingests on all its cores; one request at a time leaves them idle (measured: +30%
    // ticks/s with 3 on a 2-core box). Points are keyed, so order only matters for interim bars.
    concurrency: WRITES_IN_FLIGHT,
    writeAlone: (output) => output.kind === 'bar' && !output.bar.final,
    async write(batch) {
      const body = encoder.body(batch);
      if (!body) return;
      try {
        await writer.write(body);
      } catch (error) {
        encoder.unwritten(batch); // its retry carries the previous closes this body did not store
        throw error;
      }
    },
    fatal: (error) => fatalError(config, error),
    close: () => writer.close(),
  };
}

export const influxSink: SinkModule = {
  create: async (config, deps) => {
    await checkWriteAccess(config, deps.logger);
    return createInfluxSink(config, deps.logger);
  },
};
