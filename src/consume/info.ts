/**
 * `consume --info`: also keeps PostgreSQL's stock_info up to date from the compacted info topic
 * (what `info sync --to kafka` publishes). A consumer group of its own (`<group>-info`), offsets
 * committed after the upsert, undecodable messages to `<info topic>.dlq`.
 */
import type { Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import { decodeStockInfo } from '../info/codec.ts';
import type { OutgoingMessage } from '../kafka/publisher.ts';
import { connectKafka, dlqTopic, type TopicSpec } from '../kafka/topics.ts';
import type { StockInfo } from '../model.ts';
import { createPostgres } from '../postgres/client.ts';
import { upsertStockInfo } from '../postgres/repositories/stock-info.ts';
import { postgresRefusal } from '../postgres/errors.ts';
import type { Logger } from '../ui/logger.ts';
import { retry } from '../util/retry.ts';
import { deadLetter } from './dead-letter.ts';
import type { RunningContext } from './engine.ts';

export function infoTopics(config: Config): TopicSpec[] {
  return [{ topic: config.kafka.topics.info, compacted: true }, { topic: dlqTopic(config.kafka.topics.info) }];
}

export async function startInfoPersister(
  config: Config,
  logger: Logger,
  { kafka, publisher, signal, fail }: RunningContext,
): Promise<{ stop(): Promise<void> }> {
  const topic = config.kafka.topics.info;
  const sql = createPostgres(config, { max: 1 });
  const consumer = kafka.consumer({
    groupId: `${config.kafka.groupId}-info`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 1_000,
  });
  await connectKafka(consumer, config, logger, signal);
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset }) => {
      if (signal.aborted || batch.isEmpty()) return;
      const infos: StockInfo[] = [];
      const dead: OutgoingMessage[] = [];
      for (const message of batch.messages) {
        if (message.value === null) continue; // a tombstone: compaction's delete marker, not bad data
        try {
          infos.push(decodeStockInfo(message.value));
        } catch (error) {
          dead.push(deadLetter(dlqTopic(topic), topic, batch.partition, message, 'info-decode', errorMessage(error)));
        }
      }
      try {
        await retry(() => upsertStockInfo(sql, infos, { timeZone: config.windows.timezone }), {
          signal,
          maxMs: 30_000,
          retryable: (error) => postgresRefusal(config, error) === undefined,
          onRetry: (error, attempt) =>
            logger.warn(`stock info: PostgreSQL write failed (${errorMessage(error)}); retry ${attempt}`),
        });
        if (dead.length > 0) await publisher.send(dead);
      } catch (error) {
        if (!signal.aborted) fail(postgresRefusal(config, error) ?? error);
        return;
      }
      resolveOffset(batch.lastOffset());
      await consumer.commitOffsets([
        { topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
      ]);
      logger.info(
        `stock info: ${infos.length} symbol(s) stored in PostgreSQL${dead.length ? `, ${dead.length} to ${dlqTopic(topic)}` : ''}`,
      );
    },
  });
  return {
    async stop() {
      await consumer.disconnect().catch(() => {});
      await sql.end({ timeout: 5 });
    },
  };
}
