/**
 * One place that builds a `postgres` client from the config, so every command (migrate, info,
 * the postgres sink) connects the same way: the configured schema first on the search_path,
 * server notices silenced, and failures explained by errors.ts (a ConnectError with a fix-it hint
 * that never shows the password).
 */
import postgres from 'postgres';
import type { Config } from '../config/schema.ts';
import { explainPostgresError } from './errors.ts';

export type Sql = postgres.Sql;
export type ReservedSql = postgres.ReservedSql;
export type JSONValue = postgres.JSONValue;

export interface PostgresClientOptions {
  /** Pool size; the CLI commands need one or two connections, the sink a few more. */
  max?: number;
  /** Seconds to wait for a connection before giving up. */
  connectTimeout?: number;
}

export function createPostgres(config: Config, options: PostgresClientOptions = {}): Sql {
  return postgres(config.postgres.url, {
    max: options.max ?? 2,
    connect_timeout: options.connectTimeout ?? 10,
    idle_timeout: 30,
    // Quoted so a schema name is taken literally; pg_catalog is always searched implicitly.
    connection: { search_path: `"${config.postgres.schema}"`, application_name: 'stockstream' },
    // "schema already exists, skipping" and friends are not news for a CLI user.
    onnotice: () => {},
  });
}

/** Opens a client, runs `task`, and always closes the pool, so a CLI process can exit. */
export async function withPostgres<T>(
  config: Config,
  task: (sql: Sql) => Promise<T>,
  options?: PostgresClientOptions,
): Promise<T> {
  const sql = createPostgres(config, options);
  try {
    return await task(sql);
  } catch (error) {
    throw explainPostgresError(config, error);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
