/**
 * Stock metadata: `stock_info` holds the latest row per symbol, `stock_info_history` one row per
 * symbol per day. Both are written in one transaction. Re-syncing values that did not change only
 * moves `updated_at`; `fetched_at` keeps marking when the stored values were first fetched.
 */
import type { StockInfo } from '../../model.ts';
import type { JSONValue, Sql } from '../client.ts';
import { ident, isoTime, recordsetColumns, type Column } from './recordset.ts';

/** Value columns in table order; the camelCase field of StockInfo each comes from. */
const VALUE_COLUMNS = [
  { name: 'short_name', type: 'text', field: 'shortName' },
  { name: 'long_name', type: 'text', field: 'longName' },
  { name: 'sector', type: 'text', field: 'sector' },
  { name: 'industry', type: 'text', field: 'industry' },
  { name: 'exchange', type: 'text', field: 'exchange' },
  { name: 'currency', type: 'text', field: 'currency' },
  { name: 'market_cap', type: 'numeric', field: 'marketCap' },
  { name: 'trailing_pe', type: 'numeric', field: 'trailingPE' },
  { name: 'forward_pe', type: 'numeric', field: 'forwardPE' },
  { name: 'fifty_two_week_high', type: 'numeric', field: 'fiftyTwoWeekHigh' },
  { name: 'fifty_two_week_low', type: 'numeric', field: 'fiftyTwoWeekLow' },
  { name: 'fifty_day_average', type: 'numeric', field: 'fiftyDayAverage' },
  { name: 'short_ratio', type: 'numeric', field: 'shortRatio' },
  { name: 'raw', type: 'jsonb', field: 'raw' },
] as const satisfies readonly (Column & { field: keyof StockInfo })[];

const INPUT_COLUMNS: Column[] = [
  { name: 'symbol', type: 'text' },
  ...VALUE_COLUMNS,
  { name: 'fetched_at', type: 'timestamptz' },
];

function upsertInto(table: string, key: string[], extra: { name: string; value: string }[]): string {
  const values = VALUE_COLUMNS.map((column) => ident(column.name));
  const old = VALUE_COLUMNS.map((column) => `${table}.${ident(column.name)}`);
  const incoming = VALUE_COLUMNS.map((column) => `excluded.${ident(column.name)}`);
  const insertColumns = ['symbol', ...extra.map((column) => column.name)]
    .map(ident)
    .concat(values, ['fetched_at', 'updated_at'].map(ident));
  const selectList = ['r.symbol', ...extra.map((column) => column.value)].concat(
    values.map((name) => `r.${name}`),
    ['r.fetched_at', 'now()'],
  );
  return [
    `insert into ${table} (${insertColumns.join(', ')})`,
    `select ${selectList.join(', ')} from jsonb_to_recordset($1::jsonb) as r(${recordsetColumns(INPUT_COLUMNS)})`,
    `on conflict (${key.map(ident).join(', ')}) do update set`,
    VALUE_COLUMNS.map((column) => `  ${ident(column.name)} = excluded.${ident(column.name)},`).join('\n'),
    `  fetched_at = case when (${old.join(', ')}) is distinct from (${incoming.join(', ')}) then excluded.fetched_at else ${table}.fetched_at end,`,
    `  updated_at = now()`,
  ].join('\n');
}

const UPSERT_LATEST = upsertInto('stock_info', ['symbol'], []);
// The day is the exchange's calendar day of the fetch ($2 is its time zone), not the UTC day.
const UPSERT_HISTORY = upsertInto(
  'stock_info_history',
  ['symbol', 'date'],
  [{ name: 'date', value: '(r.fetched_at at time zone $2)::date' }],
);

function toRow(info: StockInfo): Record<string, unknown> {
  const row: Record<string, unknown> = { symbol: info.symbol, fetched_at: isoTime(info.fetchedAt) };
  for (const column of VALUE_COLUMNS) {
    const value = info[column.field];
    row[column.name] = value ?? null;
  }
  return row;
}

export interface UpsertStockInfoOptions {
  /** Time zone whose calendar day a history row belongs to (windows.timezone). */
  timeZone?: string;
}

/** Upserts latest and daily rows for all `infos` in one transaction; returns how many symbols. */
export async function upsertStockInfo(
  sql: Sql,
  infos: readonly StockInfo[],
  options: UpsertStockInfoOptions = {},
): Promise<number> {
  if (infos.length === 0) return 0;
  const latest = new Map(infos.map((info) => [info.symbol, info]));
  const json = sql.json([...latest.values()].map(toRow) as JSONValue);
  await sql.begin(async (tx) => {
    await tx.unsafe(UPSERT_LATEST, [json]);
    await tx.unsafe(UPSERT_HISTORY, [json, options.timeZone ?? 'America/New_York']);
  });
  return latest.size;
}

/** A stored row: StockInfo plus when a sync last wrote it. */
export interface StoredStockInfo extends StockInfo {
  updatedAt: number;
}

const SELECT_STORED = `select symbol, ${VALUE_COLUMNS.map((column) =>
  column.type === 'numeric' ? `${ident(column.name)}::float8 as ${ident(column.name)}` : ident(column.name),
).join(', ')}, fetched_at, updated_at from stock_info`;

type StoredRow = Record<string, unknown> & { symbol: string; fetched_at: Date; updated_at: Date };

function fromRow(row: StoredRow, withRaw: boolean): StoredStockInfo {
  const info: StoredStockInfo = {
    symbol: row.symbol,
    fetchedAt: row.fetched_at.getTime(),
    updatedAt: row.updated_at.getTime(),
  };
  for (const column of VALUE_COLUMNS) {
    const value = row[column.name];
    if (value === null || value === undefined || (column.field === 'raw' && !withRaw)) continue;
    (info as unknown as Record<string, unknown>)[column.field] = value;
  }
  return info;
}

export async function getStockInfo(sql: Sql, symbol: string): Promise<StoredStockInfo | undefined> {
  const [row] = await sql.unsafe<StoredRow[]>(`${SELECT_STORED} where symbol = $1`, [symbol]);
  return row ? fromRow(row, true) : undefined;
}

export const STOCK_INFO_SORTS = ['symbol', 'marketCap', 'trailingPE', 'forwardPE', 'name'] as const;
export type StockInfoSort = (typeof STOCK_INFO_SORTS)[number];

/** Biggest companies first; cheapest P/E first; names and symbols alphabetically. Unknown values last. */
const ORDER_BY: Record<StockInfoSort, string> = {
  symbol: 'symbol',
  marketCap: 'market_cap desc nulls last, symbol',
  trailingPE: 'trailing_pe asc nulls last, symbol',
  forwardPE: 'forward_pe asc nulls last, symbol',
  name: 'coalesce(long_name, short_name, symbol), symbol',
};

export interface ListStockInfoOptions {
  /** Case-insensitive exact match. */
  sector?: string;
  industry?: string;
  sort?: StockInfoSort;
  limit?: number;
}

/** Stored rows without the raw payload (a list does not need it). */
export async function listStockInfo(sql: Sql, options: ListStockInfoOptions = {}): Promise<StoredStockInfo[]> {
  const rows = await sql.unsafe<StoredRow[]>(
    `${SELECT_STORED}
     where ($1::text is null or lower(sector) = lower($1::text))
       and ($2::text is null or lower(industry) = lower($2::text))
     order by ${ORDER_BY[options.sort ?? 'symbol']}
     limit $3`,
    [options.sector ?? null, options.industry ?? null, options.limit ?? null],
  );
  return rows.map((row) => fromRow(row, false));
}
