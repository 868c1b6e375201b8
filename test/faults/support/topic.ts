/** Byte-exact reads for the poison tests (large messages, and a read that fails when they do not all arrive). */
import { testKafkaClient, uniqueName } from '../../support/services.ts';
import { waitFor } from '../../support/wait.ts';

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
