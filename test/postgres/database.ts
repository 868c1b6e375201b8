/** A fresh PostgreSQL database (via test/support/services.ts) with a StockStream config pointing at it. */
import { afterAll, beforeAll } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.ts';
import { createPostgres, type Sql } from '../../src/postgres/client.ts';
import { migrateUp } from '../../src/postgres/migrate.ts';
import { testPostgres } from '../support/services.ts';

export interface TestDatabase {
  url: string;
  config: Config;
  sql: Sql;
  close(): Promise<void>;
}

export function configFor(url: string, schema = 'public'): Config {
  return configSchema.parse({ postgres: { url, schema } });
}

export async function testDatabase(schema = 'public'): Promise<TestDatabase> {
  const url = await testPostgres();
  const config = configFor(url, schema);
  const sql = createPostgres(config, { max: 4 });
  return { url, config, sql, close: () => sql.end({ timeout: 5 }) };
}

/** Registers hooks that give the suite one fresh, migrated database; call the result inside tests. */
export function useMigratedDatabase(): () => TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await testDatabase();
    await migrateUp(db.sql, { schema: 'public' });
  });
  afterAll(async () => {
    await db?.close();
  });
  return () => db!;
}
