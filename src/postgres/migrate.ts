/**
 * Forward-only schema migrations. `migrateUp` applies each pending file in its own transaction
 * while holding a session advisory lock, so two concurrent runs apply every file exactly once;
 * `migrationStatus` compares the files with `schema_migrations` and flags edited ones.
 * Everything lives in `postgres.schema`, which `migrateUp` creates when it is missing.
 */
import { StockstreamError } from '../errors.ts';
import { advisoryLock } from './advisory-lock.ts';
import type { ReservedSql, Sql } from './client.ts';
import { DEFAULT_MIGRATIONS_DIR, loadMigrations, type Migration } from './migrations.ts';

export type MigrationStatus = 'applied' | 'pending' | 'changed' | 'missing';

export interface MigrationState {
  version: number;
  name: string;
  status: MigrationStatus;
  /** Checksum of the file as shipped (absent for `missing`: applied, but no file). */
  checksum?: string;
  /** Checksum recorded when it was applied. */
  appliedChecksum?: string;
  appliedAt?: Date;
}

export interface MigrateOptions {
  schema: string;
  /** Where the NNN_name.sql files are; tests point this at a temporary copy. */
  dir?: string | URL;
  /** Called once when another run holds the lock and this one waits for it. */
  onWait?: () => void;
  /** Called after each applied file. */
  onApplied?: (migration: Migration, ms: number) => void;
}

export interface MigrateResult {
  applied: Migration[];
  /** Files that were already applied before this run. */
  upToDate: number;
}

/** An applied migration file was edited, or a file failed to apply. Exit code 1. */
export class MigrationError extends StockstreamError {}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function readApplied(sql: Sql | ReservedSql, schema: string): Promise<AppliedRow[]> {
  const [exists] = await sql<
    { table: string | null }[]
  >`select to_regclass(${`${quoteIdent(schema)}.schema_migrations`})::text as table`;
  if (!exists?.table) return [];
  return sql.unsafe<AppliedRow[]>(
    `select version, name, checksum, applied_at from ${quoteIdent(schema)}.schema_migrations order by version`,
  );
}

export function compareMigrations(files: Migration[], applied: AppliedRow[]): MigrationState[] {
  const byVersion = new Map(applied.map((row) => [row.version, row]));
  const states: MigrationState[] = files.map((file) => {
    const row = byVersion.get(file.version);
    byVersion.delete(file.version);
    if (!row) return { version: file.version, name: file.name, status: 'pending', checksum: file.checksum };
    return {
      version: file.version,
      name: file.name,
      status: row.checksum === file.checksum ? 'applied' : 'changed',
      checksum: file.checksum,
      appliedChecksum: row.checksum,
      appliedAt: row.applied_at,
    };
  });
  for (const row of byVersion.values()) {
    states.push({
      version: row.version,
      name: row.name,
      status: 'missing',
      appliedChecksum: row.checksum,
      appliedAt: row.applied_at,
    });
  }
  return states.sort((a, b) => a.version - b.version);
}

export function changedMigrationsError(changed: MigrationState[]): MigrationError {
  const list = changed.map((state) => `${String(state.version).padStart(3, '0')}_${state.name}`).join(', ');
  return new MigrationError(
    `applied migration${changed.length > 1 ? 's' : ''} ${list} changed since ${changed.length > 1 ? 'they were' : 'it was'} applied`,
    {
      hint: 'migrations are forward-only: restore the original file and put the change in a new NNN_name.sql',
    },
  );
}

export async function migrationStatus(
  sql: Sql,
  options: Pick<MigrateOptions, 'schema' | 'dir'>,
): Promise<MigrationState[]> {
  const files = await loadMigrations(options.dir ?? DEFAULT_MIGRATIONS_DIR);
  return compareMigrations(files, await readApplied(sql, options.schema));
}

/** "syntax error at or near x" plus the line of the file it points at. */
function describeFailure(migration: Migration, error: unknown): string {
  const pgError = error as { message?: string; position?: string };
  const position = Number(pgError.position);
  const line =
    Number.isFinite(position) && position > 0 ? migration.sql.slice(0, position).split('\n').length : undefined;
  return `migration ${migration.file} failed${line ? ` at line ${line}` : ''}: ${pgError.message ?? String(error)}`;
}

async function applyOne(connection: ReservedSql, schema: string, migration: Migration): Promise<void> {
  await connection.unsafe('begin');
  try {
    // The files name tables unqualified: they belong in the configured schema, even on a
    // connection that started before the schema existed.
    await connection.unsafe(`set local search_path to ${quoteIdent(schema)}`);
    // Multi-statement text goes through the simple query protocol; it runs inside our transaction.
    await connection.unsafe(migration.sql);
    await connection.unsafe(
      `insert into ${quoteIdent(schema)}.schema_migrations (version, name, checksum) values ($1, $2, $3)`,
      [migration.version, migration.name, migration.checksum],
    );
    await connection.unsafe('commit');
  } catch (error) {
    await connection.unsafe('rollback').catch(() => {});
    throw new MigrationError(describeFailure(migration, error), {
      hint: 'nothing of this file was applied; fix it and run `stockstream migrate up` again',
      cause: error,
    });
  }
}

export async function migrateUp(sql: Sql, options: MigrateOptions): Promise<MigrateResult> {
  const files = await loadMigrations(options.dir ?? DEFAULT_MIGRATIONS_DIR);
  const schema = quoteIdent(options.schema);
  const lock = await advisoryLock(sql, `migrate:${options.schema}`, options.onWait);
  const connection = lock.connection;
  try {
    await connection.unsafe(`create schema if not exists ${schema}`);
    await connection.unsafe(
      `create table if not exists ${schema}.schema_migrations (
         version    integer     primary key,
         name       text        not null,
         checksum   text        not null,
         applied_at timestamptz not null default now()
       )`,
    );
    // Read under the lock: a run that waited sees what the other one applied.
    const states = compareMigrations(files, await readApplied(connection, options.schema));
    const changed = states.filter((state) => state.status === 'changed');
    if (changed.length > 0) throw changedMigrationsError(changed);
    const pending = new Set(states.filter((state) => state.status === 'pending').map((state) => state.version));
    const applied: Migration[] = [];
    for (const migration of files.filter((file) => pending.has(file.version))) {
      const started = performance.now();
      await applyOne(connection, options.schema, migration);
      applied.push(migration);
      options.onApplied?.(migration, performance.now() - started);
    }
    return { applied, upToDate: files.length - applied.length };
  } finally {
    await lock.release();
  }
}
