/**
 * Session-level PostgreSQL advisory locks on a reserved connection: held across several
 * transactions (one per migration, one per sync), and released by the server on its own if the
 * process dies, so a crashed cron run never leaves a stale lock behind.
 */
import type { ReservedSql, Sql } from './client.ts';

/** First half of every StockStream lock key ("SS"), so our locks do not collide with other apps'. */
const LOCK_CLASS = 0x5353;

/** The server session holding a lock: a restarted server reuses pids, not start times (µs since the epoch, as text). */
interface Session {
  pid: number;
  started: string;
}

/** The session's start in µs: a JavaScript Date would drop the microseconds and never compare equal. */
const STARTED_US = '(extract(epoch from backend_start) * 1000000)::bigint::text';

export interface AdvisoryLock {
  /** The reserved connection that holds the lock; run the locked work on it or on the pool. */
  readonly connection: ReservedSql;
  release(): Promise<void>;
}

async function reserveAndTry(
  sql: Sql,
  name: string,
): Promise<{ connection: ReservedSql; locked: boolean; session: Session }> {
  const connection = await sql.reserve();
  try {
    const [row] = await connection<{ locked: boolean; pid: number; started: string }[]>`
      select pg_try_advisory_lock(${LOCK_CLASS}, hashtext(${name})) as locked, pg_backend_pid() as pid,
             (select ${connection.unsafe(STARTED_US)} from pg_stat_activity where pid = pg_backend_pid()) as started`;
    return { connection, locked: row?.locked === true, session: { pid: row!.pid, started: row!.started } };
  } catch (error) {
    connection.release();
    throw error;
  }
}

/** Whether the session still runs (asked on the pool; false when the server cannot be asked). */
async function sessionAlive(sql: Sql, session: Session): Promise<boolean> {
  try {
    const [row] = await sql<{ alive: boolean }[]>`
      select exists (select 1 from pg_stat_activity where pid = ${session.pid} and ${sql.unsafe(STARTED_US)} = ${session.started}) as alive`;
    return row?.alive === true;
  } catch {
    return false;
  }
}

function held(sql: Sql, connection: ReservedSql, name: string, session: Session): AdvisoryLock {
  return {
    connection,
    release: async () => {
      try {
        // A session that ended (the server restarted) took its locks with it, and querying its
        // reserved connection would crash the process: postgres.js 3.4.9 throws an uncatchable
        // TypeError from nextWrite on a reserved connection whose backend died (porsager/postgres#1208).
        // Asking needs a second connection; a one-connection pool unlocks without asking.
        const ended = sql.options.max > 1 && !(await sessionAlive(sql, session));
        if (!ended) await connection`select pg_advisory_unlock(${LOCK_CLASS}, hashtext(${name}))`;
      } finally {
        connection.release();
      }
    },
  };
}

/** The lock if it is free right now, else undefined (another run holds it). */
export async function tryAdvisoryLock(sql: Sql, name: string): Promise<AdvisoryLock | undefined> {
  const { connection, locked, session } = await reserveAndTry(sql, name);
  if (locked) return held(sql, connection, name, session);
  connection.release();
  return undefined;
}

/** Waits for the lock; `onWait` runs once if someone else holds it first. */
export async function advisoryLock(sql: Sql, name: string, onWait?: () => void): Promise<AdvisoryLock> {
  const { connection, locked, session } = await reserveAndTry(sql, name);
  if (!locked) {
    onWait?.();
    try {
      await connection`select pg_advisory_lock(${LOCK_CLASS}, hashtext(${name}))`;
    } catch (error) {
      connection.release();
      throw error;
    }
  }
  return held(sql, connection, name, session);
}
