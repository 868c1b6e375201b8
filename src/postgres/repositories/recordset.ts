/**
 * Bulk upserts as one statement with one parameter: the rows travel as a JSON array and
 * `jsonb_to_recordset` turns them into typed columns. Unlike `insert … values ($1…$n)` this has
 * no 65,535-parameter ceiling, keeps a single prepared statement whatever the batch size, and
 * JSON numbers arrive in `numeric` columns without float rounding.
 */
import type { JSONValue, Sql } from '../client.ts';

export interface Column {
  name: string;
  /** PostgreSQL type the JSON value is read as. */
  type: string;
}

export interface UpsertSpec {
  table: string;
  columns: readonly Column[];
  /** The natural key (the table's primary key). */
  key: readonly string[];
  /** Columns left alone on conflict besides the key (like created_at). */
  keep?: readonly string[];
  /** Only update when this holds (`excluded` is the incoming row). */
  updateWhen?: string;
  /** The timestamp column every write refreshes. */
  touched?: string;
}

/** Rows per statement: large enough to be fast, small enough to keep the JSON parameter modest. */
export const ROWS_PER_STATEMENT = 10_000;

/** Quotes identifiers like `interval`, `time` and `values` that double as SQL keywords. */
export function ident(name: string): string {
  return `"${name}"`;
}

export function recordsetColumns(columns: readonly Column[]): string {
  return columns.map((column) => `${ident(column.name)} ${column.type}`).join(', ');
}

export function buildUpsert(spec: UpsertSpec): string {
  const names = spec.columns.map((column) => ident(column.name)).join(', ');
  const untouched = new Set([...spec.key, ...(spec.keep ?? [])]);
  const updates = spec.columns
    .filter((column) => !untouched.has(column.name))
    .map((column) => `${ident(column.name)} = excluded.${ident(column.name)}`);
  if (spec.touched) updates.push(`${ident(spec.touched)} = now()`);
  return [
    `insert into ${spec.table} (${names})`,
    `select ${names} from jsonb_to_recordset($1::jsonb) as r(${recordsetColumns(spec.columns)})`,
    `on conflict (${spec.key.map(ident).join(', ')}) do update set ${updates.join(', ')}`,
    spec.updateWhen ? `where ${spec.updateWhen}` : '',
  ].join('\n');
}

/**
 * An upsert statement cannot touch the same key twice ("ON CONFLICT DO UPDATE command cannot
 * affect row a second time"), so within one batch the last row per key wins — the same result
 * as writing them one after another.
 */
export function lastPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    byKey.delete(k); // re-insert so the map keeps arrival order of the last occurrence
    byKey.set(k, row);
  }
  return [...byKey.values()];
}

type Row = Record<string, unknown>;

/** Runs `statement` over `rows` in chunks; returns how many rows were sent. */
export async function upsertRows(sql: Sql, statement: string, rows: readonly Row[]): Promise<number> {
  for (let offset = 0; offset < rows.length; offset += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(offset, offset + ROWS_PER_STATEMENT);
    // sql.json: postgres.js serialises the array itself; a pre-stringified value would arrive as one JSON string.
    await sql.unsafe(statement, [sql.json(chunk as JSONValue)], { prepare: true });
  }
  return rows.length;
}

/**
 * An idempotent bulk writer: `toRow` maps an item to its columns (snake_case, as in `spec`);
 * duplicates of a key within one call collapse to the last one. Resolves to the rows sent.
 */
export function defineUpsert<T>(
  spec: UpsertSpec,
  toRow: (item: T) => Row,
): (sql: Sql, items: readonly T[]) => Promise<number> {
  const statement = buildUpsert(spec);
  const keyOf = (row: Row) => spec.key.map((column) => String(row[column])).join('\u0000');
  return (sql, items) => upsertRows(sql, statement, lastPerKey(items.map(toRow), keyOf));
}

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
