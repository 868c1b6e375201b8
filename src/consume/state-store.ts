/**
 * Reads the compacted state topic from the beginning and keeps following it, holding the latest
 * record of every key that belongs to this group and prices topic. A partition assigned later —
 * after a restart or when another consumer left — is restored from here once the reader has caught
 * up with everything written before the assignment (whoever wrote it).
 *
 * Once a partition is loaded its records are no longer kept: this consumer holds that state itself
 * and writes those records, so keeping a copy would double the memory of the state (a few KB a
 * symbol) for nothing. Should the partition come back after moving away, it is read again from the
 * state topic's beginning.
 *
 * kafkajs cannot read a topic without a consumer group, so each reader joins a group of its own
 * that commits nothing. Readers are read_committed: under exactly-once only records of committed
 * checkpoint transactions are restored from, and the end offsets (admin, read_committed) are the
 * last stable ones.
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import { isTransientKafkaError } from '../kafka/publisher.ts';
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
const LEADER_WAIT_MS = 250;
const SLOW_CATCH_UP_MS = 15_000;

/** key → latest raw value */
type Records = Map<string, string>;

interface Reader {
  /** Next offset to read, per partition of the state topic. */
  positions: Map<number, number>;
  stop(): Promise<void>;
}

export async function openStateStore(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  owner: { group: string; topic: string },
  signal?: AbortSignal,
): Promise<StateStore> {
  const stateTopic = config.kafka.topics.state;
  const keyPrefix = `${owner.group}:${owner.topic}:`;
  /** The partition prefix (`<group>:<topic>:<partition>`) a key of ours belongs to. */
  const prefixOf = (key: string) => {
    const colon = key.indexOf(':', keyPrefix.length);
    return colon < 0 ? key : key.slice(0, colon);
  };
  const byPartition = new Map<string, Records>();
  /** Partitions loaded by this consumer: their records are not kept from then on. */
  const loaded = new Set<string>();

  const admin: Admin = kafka.admin();
  await connectKafka(admin, config, logger, signal);

  /** Starts a reader that keeps the records of the partitions `keep` gives a map for. */
  const read = (keep: (prefix: string) => Records | undefined) =>
    startReader(kafka, config, logger, { topic: stateTopic, group: owner.group }, signal, (key) =>
      key.startsWith(keyPrefix) ? keep(prefixOf(key)) : undefined,
    );

  const follower = await read((prefix) => {
    if (loaded.has(prefix)) return undefined;
    let records = byPartition.get(prefix);
    if (!records) byPartition.set(prefix, (records = new Map()));
    return records;
  });

  /** Waits until `reader` has read every record written before the call. */
  /**
   * The state topic's end offsets. Right after `consume` created it, or while a broker restarts,
   * the partition leaders may still answer "not the leader": that is "not yet", not a failure.
   */
  const endOffsets = async (waitSignal?: AbortSignal) => {
    for (;;) {
      try {
        return await admin.fetchTopicOffsets(stateTopic);
      } catch (error) {
        if (!isTransientKafkaError(error) || waitSignal?.aborted) throw error;
        logger.debug(`state topic ${stateTopic}: end offsets not available yet (${errorMessage(error)})`);
        await sleep(LEADER_WAIT_MS, waitSignal);
      }
    }
  };

  const catchUp = async (reader: Reader, waitSignal?: AbortSignal) => {
    const ends = await endOffsets(waitSignal);
    const started = Date.now();
    let warned = false;
    for (;;) {
      const behind = ends.filter(
        ({ partition, high, low }) => high !== low && (reader.positions.get(partition) ?? Number(low)) < Number(high),
      );
      if (behind.length === 0) return;
      if (waitSignal?.aborted) throw new Error('stopped while restoring state');
      if (!warned && Date.now() - started > SLOW_CATCH_UP_MS) {
        warned = true;
        logger.warn(`still reading the state topic ${stateTopic} (${behind.length} partition(s) behind)`);
      }
      await sleep(CATCH_UP_POLL_MS, waitSignal);
    }
  };

  /** A partition loaded before (so its records were not kept): read the topic again for it alone. */
  const reread = async (prefix: string, waitSignal?: AbortSignal): Promise<Records> => {
    const records: Records = new Map();
    const reader = await read((of) => (of === prefix ? records : undefined));
    try {
      await catchUp(reader, waitSignal);
    } finally {
      await reader.stop();
    }
    return records;
  };

  return {
    async load(prefix, waitSignal) {
      await catchUp(follower, waitSignal);
      const records = loaded.has(prefix)
        ? await reread(prefix, waitSignal)
        : (byPartition.get(prefix) ?? new Map<string, string>());
      loaded.add(prefix);
      byPartition.delete(prefix);
      return decodePartitionRecords(prefix, records);
    },
    async stop() {
      await follower.stop();
      await admin.disconnect().catch(() => {});
    },
  };
}

/** Reads the state topic from its beginning into the maps `recordsOf` picks by key (none: skipped). */
async function startReader(
  kafka: Kafka,
  config: Config,
  logger: Logger,
  names: { topic: string; group: string },
  signal: AbortSignal | undefined,
  recordsOf: (key: string) => Records | undefined,
): Promise<Reader> {
  const positions = new Map<number, number>();
  const consumer: Consumer = kafka.consumer({
    groupId: `${names.group}.state-reader.${randomUUID()}`,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  await connectKafka(consumer, config, logger, signal);
  await consumer.subscribe({ topic: names.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const key = message.key?.toString('utf8');
        if (key === undefined) continue;
        const records = recordsOf(key);
        if (!records) continue;
        if (message.value === null) records.delete(key);
        else records.set(key, message.value.toString('utf8'));
      }
    },
  });
  // Read committed (kafkajs' default): a batch of transaction markers alone never reaches eachBatch,
  // yet moves the position, and the end offsets catchUp compares with are past those markers.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic === names.topic) positions.set(payload.partition, Number(payload.lastOffset) + 1);
  });
  return {
    positions,
    stop: () => consumer.disconnect().catch(() => {}),
  };
}
