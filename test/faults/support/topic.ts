/** Raw Kafka access for the poison test: ordered sends that respect the broker's request size, and byte-exact reads. */
import { CompressionTypes, type Message } from 'kafkajs';
import { testKafkaClient, uniqueName } from '../../support/services.ts';
import { waitFor } from '../../support/wait.ts';

/** Requests stay well under the broker's 1 MB record batch limit, whatever the message sizes. */
const MAX_REQUEST_BYTES = 512 * 1024;
const MAX_REQUEST_MESSAGES = 2_000;

/** Sends in order (idempotent producer, one request in flight), so each partition keeps this order. */
export async function sendInOrder(topic: string, messages: Message[]): Promise<void> {
  const producer = testKafkaClient().producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    let chunk: Message[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length > 0)
        await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: chunk });
      chunk = [];
      bytes = 0;
    };
    for (const message of messages) {
      const size = (message.value as Buffer | null)?.length ?? 0;
      if (chunk.length >= MAX_REQUEST_MESSAGES || (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES)) await flush();
      chunk.push(message);
      bytes += size;
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
}

export interface RawMessage {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Every message of a topic, bytes as stored (null stays null), once `count` have arrived. */
export async function readAll(topic: string, count: number, timeoutMs = 60_000): Promise<RawMessage[]> {
  const consumer = testKafkaClient().consumer({
    groupId: uniqueName('raw_reader'),
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  const messages: RawMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        messages.push({ key: message.key?.toString() ?? null, value: message.value, headers });
      },
    });
    await waitFor(
      () => (messages.length >= count ? true : undefined),
      `${count} messages in ${topic}`,
      timeoutMs,
      () => `${messages.length} arrived`,
    );
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
