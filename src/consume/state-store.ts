/**
 * Reads the compacted state topic from the beginning and keeps following it, holding the latest
 * record of every key that belongs to this group and prices topic. A partition assigned later —
 * after a restart or when another consumer left — is restored from here once the reader has caught
 * up with everything written before the assignment (whoever wrote it).
 *
 * kafkajs cannot read a topic without a consumer group, so the reader joins a group of its own
 * that commits nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { connectKafka } from '../kafka/topics.ts';
import type { Logger } from '../ui/logger.ts';
import { sleep } from '../util/retry.ts';
import { decodePartitionRecords, type PartitionRecords } from './changelog.ts';

export interface StateStore {
  /** The records of one partition (`prefix` from partitionKey) as of now. */
  load(prefix: string, signal?: AbortSignal): Promise<PartitionRecords>;
  stop(): Promise<void>;
}

const CATCH_UP_POLL_MS = 50;
const SLOW_CATCH_UP_MS = 15_000;

export async function openStateStore(kafka: Kafka, config: Config, logger: Logger, owner: { group: string; topic: string }, signal?: AbortSignal): Promise<StateStore> {
  const stateTopic = config.kafka.topics.state;
  const keyPrefix = `${owner.group}:${owner.topic}:`;
  /** partition prefix (`<group>:<topic>:<partition>`) → key → latest raw value */
  const byPartition = new Map<string, Map<string, string>>();
  const positions = new Map<number, number>();

  const admin: Admin = kafka.admin();
  const reader: Consumer = kafka.consumer({
    groupId: `${owner.group}.state-reader.${randomUUID()}`,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  await connectKafka(admin, config, logger, signal);
  await connectKafka(reader, config, logger, signal);
  await reader.subscribe({ topic: stateTopic, fromBeginning: true });
  await reader.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const key = message.key?.toString('utf8');
        if (!key?.startsWith(keyPrefix)) continue;
        const rest = key.slice(keyPrefix.length);
        const colon = rest.indexOf(':');
        const prefix = colon < 0 ? key : key.slice(0, keyPrefix.length + colon);
        let records = byPartition.get(prefix);
        if (!records) byPartition.set(prefix, (records = new Map()));
        if (message.value === null) records.delete(key);
        else records.set(key, message.value.toString('utf8'));
      }
      if (batch.messages.length > 0) positions.set(batch.partition, Number(batch.lastOffset()) + 1);
    },
  });

  /** Waits until every record written before the call has been read. */
  const catchUp = async (waitSignal?: AbortSignal) => {
    const ends = await admin.fetchTopicOffsets(stateTopic);
    const started = Date.now();
    let warned = false;
    for (;;) {
      const behind = ends.filter(({ partition, high, low }) => high !== low && (positions.get(partition) ?? Number(low)) < Number(high));
      if (behind.length === 0) return;
      if (waitSignal?.aborted) throw new Error('stopped while restoring state');
      if (!warned && Date.now() - started > SLOW_CATCH_UP_MS) {
        warned = true;
        logger.warn(`still reading the state topic ${stateTopic} (${behind.length} partition(s) behind)`);
      }
      await sleep(CATCH_UP_POLL_MS, waitSignal);
    }
  };

  return {
    async load(prefix, waitSignal) {
      await catchUp(waitSignal);
      return decodePartitionRecords(prefix, byPartition.get(prefix) ?? new Map());
    },
    async stop() {
      await reader.disconnect().catch(() => {});
      await admin.disconnect().catch(() => {});
    },
  };
}
