/**
 * One place that builds a `postgres` client from the config, so every command (migrate, info,
 * the postgres sink) connects the same way: the configured schema first on the search_path,
 * server notices silenced, and connection failures turned into a ConnectError with a fix-it hint
 * that never shows the password.
 */
import postgres from 'postgres';
import type { Config } from '../config/schema.ts';
import { redactUrl } from '../config/redact.ts';
import { ConnectError, StockstreamError, errorMessage } from '../errors.ts';

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

/**
 * The server is away — down, restarting, shutting down, unreachable for now — rather than refusing
 * us: the same request may well work later. 57P01–57P03: the server terminates sessions or does not
 * take them yet (a restart); 08xxx: the connection failed.
 */
const AWAY_CODES = [
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
];

export function isPostgresAway(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && AWAY_CODES.includes(code);
}

/** Errors that mean "the server is not there" rather than "the query was wrong". */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return (
    isPostgresAway(error) ||
    ['ENOTFOUND', 'EAI_AGAIN'].includes(code) ||
    // 28P01 bad password, 28000 no pg_hba entry, 3D000 unknown database.
    ['28P01', '28000', '3D000'].includes(code)
  );
}

function connectHint(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === '3D000')
    return 'create the database (`createdb <name>`), or fix the database name in postgres.url / DATABASE_URL';
  if (typeof code === 'string' && code.startsWith('28'))
    return 'check the user and password in postgres.url / DATABASE_URL';
  return 'start PostgreSQL (`scripts/services up`), or point postgres.url / DATABASE_URL at it';
}

export function postgresUnreachable(config: Config, error: unknown): ConnectError {
  return new ConnectError('PostgreSQL', `cannot use ${redactUrl(config.postgres.url)} (${errorMessage(error)})`, {
    hint: connectHint(error),
    cause: error,
  });
}

/**
 * Turns "server not there" into a ConnectError and "table not there" into a hint to migrate;
 * anything else (a real SQL error) stays as it is.
 */
export function explainPostgresError(config: Config, error: unknown): unknown {
  if (isConnectionFailure(error)) return postgresUnreachable(config, error);
  if ((error as { code?: unknown }).code === '42P01') {
    return new StockstreamError(`PostgreSQL: ${errorMessage(error)} in schema ${config.postgres.schema}`, {
      hint: 'create the tables with `stockstream migrate up`',
      cause: error,
    });
  }
  return error;
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
