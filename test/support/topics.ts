/** A suite's Kafka topics: their names, writing to one in order, and reading one back as stored. */
import { CompressionTypes, type Kafka, type Message } from 'kafkajs';
import { testKafkaClient, uniqueName } from './services.ts';

/** The `kafka.topics` of a suite called `name`: every topic the engine uses, under the suite's name. */
export function suiteTopics(name: string) {
  return {
    prices: `${name}_prices`,
    info: `${name}_info`,
    bars: `${name}_bars`,
    indicators: `${name}_indicators`,
    alerts: `${name}_alerts`,
    state: `${name}_state`,
  };
}

export interface TopicMessage {
  key: string | null;
  /** The bytes as stored (null for a tombstone). */
  value: Buffer | null;
  partition: number;
  offset: number;
  headers: Record<string, string>;
}

/**
 * Reads a whole topic from the beginning until `count` messages arrived or `timeoutMs` passed, and
 * returns what arrived (the caller asserts how many). `kafka`: a client of the test's own config.
 */
export async function readMessages(
  topic: string,
  count: number,
  { timeoutMs = 30_000, kafka = testKafkaClient() }: { timeoutMs?: number; kafka?: Kafka } = {},
): Promise<TopicMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  const messages: TopicMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        messages.push({
          key: message.key?.toString() ?? null,
          value: message.value,
          partition,
          offset: Number(message.offset),
          headers,
        });
        if (messages.length >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

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
      const size = message.value === null ? 0 : Buffer.byteLength(message.value);
      if (chunk.length >= MAX_REQUEST_MESSAGES || (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES)) await flush();
      chunk.push(message);
      bytes += size;
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
}
