// Produce and consume through the real Kafka broker (scripts/services or docker compose).
import { type Admin, type Consumer, Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, testKafka, testKafkaClient, uniqueName } from '../support/services.ts';

describe('kafka', () => {
  let topic: string;
  let producer: Producer;
  let consumer: Consumer;
  let admin: Admin;

  beforeAll(async () => {
    topic = await createTopic(uniqueName('svc_kafka'), 4);
    const kafka = testKafkaClient();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    consumer = kafka.consumer({ groupId: uniqueName('svc_kafka_group') });
    // Quiet: one test expects the broker to refuse an unknown topic, which kafkajs logs as an error.
    admin = new Kafka({ brokers: testKafka(), logLevel: logLevel.NOTHING }).admin({ retry: { retries: 0 } });
    await Promise.all([producer.connect(), consumer.connect(), admin.connect()]);
  });

  afterAll(async () => {
    await Promise.allSettled([producer?.disconnect(), consumer?.disconnect(), admin?.disconnect()]);
  });

  it('has the topic with 4 partitions', async () => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
  });

  it('does not create topics on demand', async () => {
    await expect(admin.fetchTopicMetadata({ topics: [uniqueName('svc_missing')] })).rejects.toThrow(
      /does not host this topic-partition|UNKNOWN_TOPIC/i,
    );
  });

  it('delivers a produced message with its key, value and partition', async () => {
    const value = JSON.stringify({ symbol: 'AAPL', price: 189.25, ts: 1_700_000_000_000 });
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = new Promise<{ partition: number; message: KafkaMessage }>((resolve, reject) => {
      consumer.run({ eachMessage: async ({ partition, message }) => resolve({ partition, message }) }).catch(reject);
    });

    const [meta] = await producer.send({
      topic,
      messages: [{ key: 'AAPL', value, partition: 2, headers: { source: 'test' } }],
    });
    expect(meta?.partition).toBe(2);

    const { partition, message } = await received;
    expect(partition).toBe(2);
    expect(message.key?.toString()).toBe('AAPL');
    expect(message.value?.toString()).toBe(value);
    expect(message.headers?.source?.toString()).toBe('test');
    expect(message.offset).toBe('0');
  });
});
