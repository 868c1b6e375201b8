/**
 * kafkajs' default partitioner (murmur2 of the key modulo the partition count, as the Java client
 * does), with each key's partition remembered. Our keys repeat endlessly — a symbol per tick, a
 * state key per symbol every checkpoint round — and kafkajs hashes every message with 64-bit
 * `Long` arithmetic and filters the topic's partition list once per message. A key it has not
 * seen (or a topic whose partition count changed) is asked of kafkajs' own, so every message goes
 * where it went before: compacted topics rely on one key always landing in one partition.
 */
import { Partitioners, type ICustomPartitioner } from 'kafkajs';

/** Keys remembered per topic before starting over (symbols, or state keys of 5,000 symbols × partitions). */
const MAX_KEYS = 100_000;

interface TopicPartitions {
  count: number;
  byKey: Map<string, number>;
}

export const cachingPartitioner: ICustomPartitioner = () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const topics = new Map<string, TopicPartitions>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    const { key } = message;
    // An explicit partition, a Buffer key or none (round-robin): kafkajs decides, as always.
    if (typeof key !== 'string' || (message.partition !== undefined && message.partition !== null))
      return kafkajs(args);
    let known = topics.get(topic);
    if (known === undefined || known.count !== partitionMetadata.length || known.byKey.size >= MAX_KEYS) {
      known = { count: partitionMetadata.length, byKey: new Map() };
      topics.set(topic, known);
    }
    let partition = known.byKey.get(key);
    if (partition === undefined) {
      partition = kafkajs(args);
      known.byKey.set(key, partition);
    }
    return partition;
  };
};
