/** Kafka helpers for the produce tests: a config pointing at the local broker and a read-back consumer. */
import type { Kafka } from 'kafkajs';
import { configSchema, type Config, type UserConfig } from '../../../src/config/schema.ts';
import { createLogger, type Logger } from '../../../src/ui/logger.ts';
import { testKafka, uniqueName } from '../../support/services.ts';

export function testConfig(input: UserConfig = {}): Config {
  return configSchema.parse({ ...input, kafka: { brokers: testKafka(), connectTimeout: '20s', ...input.kafka } });
}

/** Logs only errors, into a buffer the test can inspect. */
export function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const stream = { write: (text: string) => (lines.push(text), true) } as unknown as NodeJS.WritableStream;
  return Object.assign(createLogger({ level: 'warn', stream }), { lines });
}

export interface ConsumedMessage {
  key: string;
  value: Buffer;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

/** Reads a topic from the beginning until `count` messages arrived (or the deadline passed). */
export async function consumeAll(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ConsumedMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        messages.push({
          key: String(message.key),
          value: message.value ?? Buffer.alloc(0),
          partition,
          offset: message.offset,
          headers,
        });
        if (messages.length >= count) done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([enough, timeout]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** Messages in a topic so far (sum of the partitions' high watermarks); 0 while it does not exist. */
export async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } catch {
    return 0;
  } finally {
    await admin.disconnect();
  }
}

/** Values per key, in partition order (= publish order of each symbol). */
export function valuesByKey(messages: ConsumedMessage[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const m of messages) {
    let list = byKey.get(m.key);
    if (!list) byKey.set(m.key, (list = []));
    list.push(m.value.toString('utf8'));
  }
  return byKey;
}
