import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advisoryLock } from '../../src/postgres/advisory-lock.ts';
import { createPostgres } from '../../src/postgres/client.ts';
import { migrateUp, migrationStatus, MigrationError } from '../../src/postgres/migrate.ts';
import { checksum, DEFAULT_MIGRATIONS_DIR, loadMigrations } from '../../src/postgres/migrations.ts';
import { testDatabase, type TestDatabase } from './database.ts';
import { waitFor } from '../support/wait.ts';

const EXPECTED_TABLES = [
  'schema_migrations',
  'stock_alerts',
  'stock_bars',
  'stock_indicators',
  'stock_info',
  'stock_info_history',
];

async function tablesIn(db: TestDatabase, schema: string): Promise<string[]> {
  const rows = await db.sql<{ table_name: string }[]>`
    select table_name from information_schema.tables where table_schema = ${schema} order by table_name`;
  return rows.map((row) => row.table_name);
}

describe('migrate', () => {
  let db: TestDatabase;
  let dir: string;

  beforeEach(async () => {
    db = await testDatabase();
    // A private copy of the shipped files, so tests can edit and add migrations.
    dir = await mkdtemp(join(tmpdir(), 'ss-migrations-'));
    await cp(fileURLToPath(DEFAULT_MIGRATIONS_DIR), dir, { recursive: true });
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ships versioned files with sha256 checksums', async () => {
    const files = await loadMigrations();
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.map((file) => file.version)).toEqual([...files.map((file) => file.version)].sort((a, b) => a - b));
    for (const file of files) expect(file.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('creates every table from an empty database and records each file', async () => {
    expect(await tablesIn(db, 'public')).toEqual([]);
    const result = await migrateUp(db.sql, { schema: 'public', dir });
    const files = await loadMigrations(dir);
    expect(result.applied.map((m) => m.file)).toEqual(files.map((f) => f.file));
    expect(await tablesIn(db, 'public')).toEqual(EXPECTED_TABLES);
    const recorded = await db.sql<
      { version: number; name: string; checksum: string }[]
    >`select version, name, checksum from schema_migrations order by version`;
    expect(recorded).toEqual(files.map((f) => ({ version: f.version, name: f.name, checksum: f.checksum })));
    const status = await migrationStatus(db.sql, { schema: 'public', dir });
    expect(status.map((s) => s.status)).toEqual(files.map(() => 'applied'));
  });

  it('reports everything pending before the first run, without creating anything', async () => {
    const status = await migrationStatus(db.sql, { schema: 'public', dir });
    expect(status.length).toBeGreaterThan(0);
    expect(status.every((s) => s.status === 'pending')).toBe(true);
    expect(await tablesIn(db, 'public')).toEqual([]);
  });

  it('re-running is a no-op', async () => {
    await migrateUp(db.sql, { schema: 'public', dir });
    const before = await db.sql`select version, applied_at from schema_migrations order by version`;
    const again = await migrateUp(db.sql, { schema: 'public', dir });
    expect(again.applied).toEqual([]);
    expect(again.upToDate).toBe(before.length);
    expect(await db.sql`select version, applied_at from schema_migrations order by version`).toEqual(before);
  });

  it('creates and uses a configured schema other than public', async () => {
    const schemaDb = createPostgres({ ...db.config, postgres: { ...db.config.postgres, schema: 'market' } });
    try {
      await migrateUp(schemaDb, { schema: 'market', dir });
      expect(await tablesIn(db, 'market')).toEqual(EXPECTED_TABLES);
      expect(await tablesIn(db, 'public')).toEqual([]);
      // The client's search_path finds the tables unqualified.
      expect(await schemaDb`select count(*)::int as n from stock_info`).toEqual([{ n: 0 }]);
    } finally {
      await schemaDb.end({ timeout: 5 });
    }
  });

  it('two concurrent runs apply each file exactly once', async () => {
    const first = createPostgres(db.config);
    const second = createPostgres(db.config);
    // Hold the lock so both runs are provably waiting at the same time, then let them race.
    const gate = await advisoryLock(db.sql, 'migrate:public');
    const waits: string[] = [];
    try {
      const runs = [
        migrateUp(first, { schema: 'public', dir, onWait: () => waits.push('first') }),
        migrateUp(second, { schema: 'public', dir, onWait: () => waits.push('second') }),
      ];
      await waitFor(async () => {
        const [row] = await db.sql<
          { n: number }[]
        >`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`;
        return row!.n === 2;
      }, 'both runs to wait for the advisory lock');
      await gate.release();
      const results = await Promise.all(runs);
      const files = await loadMigrations(dir);
      expect(waits.sort()).toEqual(['first', 'second']);
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, files.length]);
      expect(await db.sql`select version from schema_migrations`).toHaveLength(files.length);
    } finally {
      await first.end({ timeout: 5 });
      await second.end({ timeout: 5 });
    }
  });

  it('detects an applied file that changed, and refuses to migrate past it', async () => {
    await migrateUp(db.sql, { schema: 'public', dir });
    const [first] = await loadMigrations(dir);
    const path = join(dir, first!.file);
    await writeFile(path, `${await readFile(path, 'utf8')}\n-- an edit after the fact\n`);
    await writeFile(join(dir, '900_later.sql'), 'create table later (id int);');

    const status = await migrationStatus(db.sql, { schema: 'public', dir });
    const edited = status.find((s) => s.version === first!.version)!;
    expect(edited.status).toBe('changed');
    expect(edited.appliedChecksum).toBe(first!.checksum);
    expect(edited.checksum).not.toBe(first!.checksum);
    expect(status.find((s) => s.version === 900)?.status).toBe('pending');

    await expect(migrateUp(db.sql, { schema: 'public', dir })).rejects.toThrow(
      /001_stock_info changed since it was applied/,
    );
    expect(await tablesIn(db, 'public')).not.toContain('later');
  });

  it('does not count CRLF line endings as a change', () => {
    expect(checksum('create table a (id int);\r\nselect 1;\r\n')).toBe(
      checksum('create table a (id int);\nselect 1;\n'),
    );
  });

  it('rolls back a failing file completely and names its line', async () => {
    await writeFile(join(dir, '900_broken.sql'), 'create table half_done (id int);\n\ncreate tabel oops (id int);\n');
    const error = await migrateUp(db.sql, { schema: 'public', dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/900_broken\.sql failed at line 3: syntax error/);
    // Earlier files stay applied; nothing of the broken one does.
    expect(await tablesIn(db, 'public')).not.toContain('half_done');
    const versions = (await db.sql<{ version: number }[]>`select version from schema_migrations`).map((r) => r.version);
    expect(versions).not.toContain(900);
    expect(versions.length).toBeGreaterThan(0);
  });

  it('rejects a badly named file with a hint', async () => {
    await writeFile(join(dir, 'add-things.sql'), 'select 1;');
    await expect(loadMigrations(dir)).rejects.toThrow(/add-things\.sql is not named NNN_name\.sql/);
  });
});
