/** The two places `info sync --to` can write: PostgreSQL tables and the compacted Kafka topic. */
import { errorMessage } from '../errors.ts';
import type { Publisher } from '../kafka/publisher.ts';
import type { Sql } from '../postgres/client.ts';
import { isPostgresAway } from '../postgres/errors.ts';
import { upsertStockInfo } from '../postgres/repositories/stock-info.ts';
import type { Logger } from '../ui/logger.ts';
import { retry } from '../util/retry.ts';
import { infoMessage } from './codec.ts';
import type { InfoTarget } from './sync.ts';

/** Waiting for a PostgreSQL that went away after the sync started: the fetched metadata is worth a wait. */
export interface PostgresRetry {
  logger: Logger;
  /** The server, for the warning (its password redacted). */
  where: string;
  /** Give up after this long (the last error is thrown). */
  forMs: number;
  signal?: AbortSignal;
}

/** Upserts in one transaction, so a write cut short by the server leaves no row of it behind. */
export function postgresTarget(sql: Sql, timeZone: string, away?: PostgresRetry): InfoTarget {
  const write = async (infos: Parameters<InfoTarget['write']>[0]) =>
    void (await upsertStockInfo(sql, infos, { timeZone }));
  if (!away) return { name: 'postgres', write };
  return {
    name: 'postgres',
    write: (infos) =>
      retry(() => write(infos), {
        deadlineMs: away.forMs,
        signal: away.signal,
        initialMs: 500,
        maxMs: 5_000,
        retryable: isPostgresAway,
        onRetry: (error, attempt, delayMs) =>
          away.logger.warn(
            `PostgreSQL at ${away.where} is not reachable (${errorMessage(error)}); keeping the fetched metadata, retry ${attempt} in ${Math.round(delayMs)}ms`,
          ),
      }),
  };
}

/** Keyed by symbol: compaction keeps the latest metadata of each symbol. */
export function kafkaTarget(publisher: Publisher, topic: string): InfoTarget {
  return { name: 'kafka', write: (infos) => publisher.send(infos.map((info) => ({ ...infoMessage(info), topic }))) };
}
