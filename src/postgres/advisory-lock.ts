/**
 * Session-level PostgreSQL advisory locks on a reserved connection: held across several
 * transactions (one per migration, one per sync), and released by the server on its own if the
 * process dies, so a crashed cron run never leaves a stale lock behind.
 */
import type { ReservedSql, Sql } from './client.ts';

/** First half of every StockStream lock key ("SS"), so our locks do not collide with other apps'. */
const LOCK_CLASS = 0x5353;

export interface AdvisoryLock {
  /** The reserved connection that holds the lock; run the locked work on it or on the pool. */
  readonly connection: ReservedSql;
  release(): Promise<void>;
}

async function reserveAndTry(sql: Sql, name: string): Promise<{ connection: ReservedSql; locked: boolean }> {
  const connection = await sql.reserve();
  try {
    const [row] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(${LOCK_CLASS}, hashtext(${name})) as locked`;
    return { connection, locked: row?.locked === true };
  } catch (error) {
    connection.release();
    throw error;
  }
}

function held(connection: ReservedSql, name: string): AdvisoryLock {
  return {
    connection,
    release: async () => {
      try {
        await connection`select pg_advisory_unlock(${LOCK_CLASS}, hashtext(${name}))`;
      } finally {
        connection.release();
      }
    },
  };
}

/** The lock if it is free right now, else undefined (another run holds it). */
export async function tryAdvisoryLock(sql: Sql, name: string): Promise<AdvisoryLock | undefined> {
  const { connection, locked } = await reserveAndTry(sql, name);
  if (locked) return held(connection, name);
  connection.release();
  return undefined;
}

/** Waits for the lock; `onWait` runs once if someone else holds it first. */
export async function advisoryLock(sql: Sql, name: string, onWait?: () => void): Promise<AdvisoryLock> {
  const { connection, locked } = await reserveAndTry(sql, name);
  if (!locked) {
    onWait?.();
    try {
      await connection`select pg_advisory_lock(${LOCK_CLASS}, hashtext(${name}))`;
    } catch (error) {
      connection.release();
      throw error;
    }
  }
  return held(connection, name);
}
