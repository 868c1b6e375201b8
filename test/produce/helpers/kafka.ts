/** Kafka helpers for the produce tests: a config pointing at the local broker, topic sizes, values by key. */
import type { Kafka } from 'kafkajs';
import { configSchema, type Config, type UserConfig } from '../../../src/config/schema.ts';
import { createLogger, type Logger } from '../../../src/ui/logger.ts';
import { testKafka } from '../../support/services.ts';
import type { TopicMessage } from '../../support/topics.ts';

export function testConfig(input: UserConfig = {}): Config {
  return configSchema.parse({ ...input, kafka: { brokers: testKafka(), connectTimeout: '20s', ...input.kafka } });
}

/** Logs only errors, into a buffer the test can inspect. */
export function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const stream = { write: (text: string) => (lines.push(text), true) } as unknown as NodeJS.WritableStream;
  return Object.assign(createLogger({ level: 'warn', stream }), { lines });
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
export function valuesByKey(messages: TopicMessage[]): Map<string | null, string[]> {
  const byKey = new Map<string | null, string[]>();
  for (const m of messages) {
    let list = byKey.get(m.key);
    if (!list) byKey.set(m.key, (list = []));
    list.push(m.value?.toString('utf8') ?? '');
  }
  return byKey;
}
