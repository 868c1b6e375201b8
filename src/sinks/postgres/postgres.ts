/**
 * The `postgres` sink: bars, indicators and alerts as multi-row upserts on their natural keys
 * (the repositories in src/postgres/repositories), so a replay rewrites the same rows, and a bar
 * from an older stream position than the stored one is refused (migration 004). The tables
 * come from `stockstream migrate up`; a missing table stops the consumer with that hint, a server
 * that is down is retried by the engine.
 */
import type { Config } from '../../config/schema.ts';
import { redactUrl } from '../../config/redact.ts';
import { ConnectError, errorMessage } from '../../errors.ts';
import type { Alert, IndicatorPoint, WindowOutput } from '../../model.ts';
import { createPostgres, type Sql } from '../../postgres/client.ts';
import { postgresRefusal } from '../../postgres/errors.ts';
import { upsertAlerts } from '../../postgres/repositories/alerts.ts';
import { upsertBars, type PositionedBar } from '../../postgres/repositories/bars.ts';
import { upsertIndicators } from '../../postgres/repositories/indicators.ts';
import type { Logger } from '../../ui/logger.ts';
import type { Sink, SinkModule } from '../types.ts';

const TABLES = ['stock_bars', 'stock_indicators', 'stock_alerts'];

/** A server that is down only gets a warning here (the engine retries); missing tables are fatal. */
async function checkTables(sql: Sql, config: Config, logger: Logger): Promise<void> {
  let missing: string[];
  try {
    const rows = await sql<{ name: string; found: string | null }[]>`
      select t.name, to_regclass(t.name) as found from unnest(${TABLES}::text[]) as t(name)`;
    missing = rows.filter((row) => row.found === null).map((row) => row.name);
  } catch (error) {
    const fatal = postgresRefusal(config, error);
    if (fatal) throw fatal;
    logger.warn(
      `PostgreSQL at ${redactUrl(config.postgres.url)} not reachable yet (${errorMessage(error)}); its outputs are buffered and retried`,
    );
    return;
  }
  if (missing.length > 0) {
    throw new ConnectError(
      'PostgreSQL',
      `table(s) ${missing.join(', ')} missing in schema ${config.postgres.schema} of ${redactUrl(config.postgres.url)}`,
      {
        hint: 'create them with `stockstream migrate up`',
      },
    );
  }
}

export async function createPostgresSink(config: Config, logger: Logger): Promise<Sink> {
  const sql = createPostgres(config, { max: 2 });
  try {
    await checkTables(sql, config, logger);
  } catch (error) {
    await sql.end({ timeout: 1 });
    throw error;
  }
  return {
    name: 'postgres',
    accepts: (output: WindowOutput) => output.kind !== 'tick',
    async write(batch) {
      const bars: PositionedBar[] = [];
      const points: IndicatorPoint[] = [];
      const alerts: Alert[] = [];
      for (const output of batch) {
        if (output.kind === 'bar') bars.push(output);
        else if (output.kind === 'indicator') points.push(output.point);
        else if (output.kind === 'alert') alerts.push(output.alert);
      }
      // Bars first: a reader that sees an indicator or alert can join it to its bar.
      if (bars.length > 0) await upsertBars(sql, bars);
      if (points.length > 0) await upsertIndicators(sql, points);
      if (alerts.length > 0) await upsertAlerts(sql, alerts);
    },
    fatal: (error) => postgresRefusal(config, error),
    close: () => sql.end({ timeout: 5 }),
  };
}

export const postgresSink: SinkModule = {
  create: (config, deps) => createPostgresSink(config, deps.logger),
};
