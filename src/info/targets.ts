/** The two places `info sync --to` can write: PostgreSQL tables and the compacted Kafka topic. */
import type { Publisher } from '../kafka/publisher.ts';
import type { Sql } from '../postgres/client.ts';
import { upsertStockInfo } from '../postgres/repositories/stock-info.ts';
import { infoMessage } from './codec.ts';
import type { InfoTarget } from './sync.ts';

export function postgresTarget(sql: Sql, timeZone: string): InfoTarget {
  return { name: 'postgres', write: async (infos) => void (await upsertStockInfo(sql, infos, { timeZone })) };
}

/** Keyed by symbol: compaction keeps the latest metadata of each symbol. */
export function kafkaTarget(publisher: Publisher, topic: string): InfoTarget {
  return { name: 'kafka', write: (infos) => publisher.send(infos.map((info) => ({ ...infoMessage(info), topic }))) };
}
