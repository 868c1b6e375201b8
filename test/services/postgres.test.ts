// Run SQL through the `postgres` package against the real PostgreSQL, in a database of our own.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPostgres } from '../support/services.ts';

describe('postgres', () => {
  let url: string;
  let sql: postgres.Sql;

  beforeAll(async () => {
    url = await testPostgres();
    sql = postgres(url, { max: 2, onnotice: () => {} });
  });

  afterAll(async () => {
    await sql?.end({ timeout: 5 });
  });

  it('connects to a fresh database of its own', async () => {
    const [row] = await sql<{ db: string; tables: number }[]>`
      select current_database() as db,
             (select count(*)::int from pg_tables where schemaname = 'public') as tables`;
    expect(row).toEqual({ db: new URL(url).pathname.slice(1), tables: 0 });
    expect(row?.db).toMatch(/^ss_test_/);
  });

  it('creates a table, inserts and selects rows', async () => {
    await sql`
      create table bars (
        symbol text not null,
        bucket timestamptz not null,
        open numeric(12, 4) not null,
        close numeric(12, 4) not null,
        volume bigint not null,
        primary key (symbol, bucket)
      )`;
    const t = new Date('2024-01-02T15:30:00Z');
    await sql`insert into bars ${sql([
      { symbol: 'AAPL', bucket: t, open: '189.2500', close: '189.5000', volume: 1500 },
      { symbol: 'MSFT', bucket: t, open: '402.1250', close: '401.0000', volume: 77 },
    ])}`;

    const rows = await sql`select symbol, bucket, open, close, volume from bars order by symbol`;
    expect(rows).toEqual([
      { symbol: 'AAPL', bucket: t, open: '189.2500', close: '189.5000', volume: '1500' },
      { symbol: 'MSFT', bucket: t, open: '402.1250', close: '401.0000', volume: '77' },
    ]);
  });

  it('can create schemas (the test role is a superuser)', async () => {
    await sql`create schema analytics`;
    const [row] = await sql`select count(*)::int as n from information_schema.schemata where schema_name = 'analytics'`;
    expect(row?.n).toBe(1);
  });
});
