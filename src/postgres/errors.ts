/**
 * What a PostgreSQL error means for us, decided in one place for the commands (migrate, info) and
 * the postgres sink: the server is away (retry later), it refuses us for good (stop, with the fix),
 * or the query itself failed. Messages show the URL without its password.
 */
import type { Config } from '../config/schema.ts';
import { redactUrl } from '../config/redact.ts';
import { ConnectError, StockstreamError, errorMessage } from '../errors.ts';

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

/** The host name does not resolve. */
const UNKNOWN_HOST_CODES = ['ENOTFOUND', 'EAI_AGAIN'];

/** SQLSTATE classes no retry can fix: bad data (22), constraints (23), auth (28), unknown database (3D), syntax/missing objects/privileges (42). */
const REFUSED_SQLSTATE = /^(22|23|28|3D|42)/;

const MISSING_TABLE = '42P01';
const UNKNOWN_DATABASE = '3D000';
const MIGRATE_HINT = 'create the tables with `stockstream migrate up`';

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** 28xxx: the user or password is wrong, or pg_hba has no entry for us. */
const isAuthCode = (code: string) => code.startsWith('28');

export function isPostgresAway(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && AWAY_CODES.includes(code);
}

/** Errors that mean "the server is not there (for us)" rather than "the query was wrong". */
function isConnectionFailure(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return false;
  return isPostgresAway(error) || UNKNOWN_HOST_CODES.includes(code) || isAuthCode(code) || code === UNKNOWN_DATABASE;
}

/** The fix for a refused connection: the database, the credentials, or the server itself. */
function connectHint(code: string | undefined): string {
  if (code === UNKNOWN_DATABASE)
    return 'create the database (`createdb <name>`), or fix the database name in postgres.url / DATABASE_URL';
  if (code !== undefined && isAuthCode(code)) return 'check the user and password in postgres.url / DATABASE_URL';
  return 'start PostgreSQL (`scripts/services up`), or point postgres.url / DATABASE_URL at it';
}

export function postgresUnreachable(config: Config, error: unknown): ConnectError {
  return new ConnectError('PostgreSQL', `cannot use ${redactUrl(config.postgres.url)} (${errorMessage(error)})`, {
    hint: connectHint(codeOf(error)),
    cause: error,
  });
}

/**
 * Turns "server not there" into a ConnectError and "table not there" into a hint to migrate;
 * anything else (a real SQL error) stays as it is.
 */
export function explainPostgresError(config: Config, error: unknown): unknown {
  if (isConnectionFailure(error)) return postgresUnreachable(config, error);
  if (codeOf(error) === MISSING_TABLE) {
    return new StockstreamError(`PostgreSQL: ${errorMessage(error)} in schema ${config.postgres.schema}`, {
      hint: MIGRATE_HINT,
      cause: error,
    });
  }
  return error;
}

/** The error to stop with when PostgreSQL refused a write for good; undefined when a retry may help. */
export function postgresRefusal(config: Config, error: unknown): StockstreamError | undefined {
  const code = codeOf(error);
  if (code === undefined || !REFUSED_SQLSTATE.test(code)) return undefined;
  const where = `${redactUrl(config.postgres.url)} (schema ${config.postgres.schema})`;
  const hint =
    code === MISSING_TABLE
      ? MIGRATE_HINT
      : isAuthCode(code) || code === UNKNOWN_DATABASE
        ? 'check postgres.url / DATABASE_URL (user, password, database)'
        : 'see the message; `stockstream migrate status` shows whether the schema is current';
  return new ConnectError('PostgreSQL', `${where} rejected a write: ${errorMessage(error)} (SQLSTATE ${code})`, {
    hint,
    cause: error,
  });
}
