/**
 * The migration files shipped with the package: `NNN_name.sql` in src/postgres/migrations/,
 * applied in version order. Checksums are taken over the text with line endings normalised, so
 * a checkout with CRLF line endings does not look like an edited migration.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.ts';

/**
 * Resolves from src/postgres/ under vitest and from dist/postgres/ after the build; package.json
 * ships src/postgres/migrations so the built CLI finds the same files.
 */
export const DEFAULT_MIGRATIONS_DIR = new URL('../../src/postgres/migrations/', import.meta.url);

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

export function checksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

function dirPath(dir: string | URL): string {
  return dir instanceof URL ? fileURLToPath(dir) : dir;
}

export async function loadMigrations(dir: string | URL = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  const path = dirPath(dir);
  let entries: string[];
  try {
    entries = await readdir(path);
  } catch (error) {
    throw new ConfigError(
      `cannot read the migrations directory ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'reinstall stockstream; the package ships src/postgres/migrations',
    );
  }
  const migrations: Migration[] = [];
  const seen = new Map<number, string>();
  for (const file of entries.filter((entry) => entry.endsWith('.sql')).sort()) {
    const match = FILE_NAME.exec(file);
    if (!match)
      throw new ConfigError(
        `migration file ${file} is not named NNN_name.sql`,
        'rename it like 003_add_column.sql (lower-case letters, digits and _)',
      );
    const version = Number(match[1]);
    const clash = seen.get(version);
    if (clash)
      throw new ConfigError(
        `migrations ${clash} and ${file} share version ${version}`,
        'give each migration its own number',
      );
    seen.set(version, file);
    const sql = await readFile(join(path, file), 'utf8');
    migrations.push({ version, name: match[2]!, file, sql, checksum: checksum(sql) });
  }
  return migrations.sort((a, b) => a.version - b.version);
}
