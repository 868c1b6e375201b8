/**
 * The yardstick: a bare kafkajs consumer that only reads and JSON-parses a topic, with the engine's
 * fetch sizes, so only the work per message differs. Also runs alone as a child process, for the
 * memory benchmark: `node bench/lib/bare.ts <topic> <count>`.
 */
import { FETCH } from '../../src/consume/fetch.ts';
import { benchKafka, uniqueName, waitFor } from './services.ts';

export interface Timing {
  ticks: number;
  ms: number;
}

export const perSecond = ({ ticks, ms }: Timing) => (ticks * 1_000) / ms;

/**
 * Reads the topic from the start with a fresh group, JSON-parsing every value, until `ticks` are
 * read; `onLast` runs at that moment (the bound bench samples CPU there).
 */
export async function bareRead(
  topic: string,
  group: string,
  ticks: number,
  timeoutMs: number,
  onLast?: () => void,
): Promise<Timing> {
  const consumer = benchKafka().consumer({ groupId: group, allowAutoTopicCreation: false, ...FETCH });
  await consumer.connect();
  try {
    let first: number | undefined;
    let last: number | undefined;
    let count = 0;
    let checksum = 0;
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        first ??= performance.now();
        for (const message of batch.messages) {
          if (message.value === null) continue;
          // Using a parsed field keeps the parse from being optimised away.
          checksum += (JSON.parse(message.value.toString('utf8')) as { price: number }).price;
          count++;
        }
        if (count >= ticks && last === undefined) {
          last = performance.now();
          onLast?.();
        }
      },
    });
    await waitFor('the bare consumer to read every tick', () => last, timeoutMs);
    if (!(checksum > 0)) throw new Error('bare consumer parsed no prices');
    return { ticks: count, ms: last! - first! };
  } finally {
    await consumer.disconnect();
  }
}

if (import.meta.main) {
  const [topic, count] = process.argv.slice(2);
  if (!topic || !count) throw new Error('usage: node bench/lib/bare.ts <topic> <count>');
  const group = uniqueName('bare');
  await bareRead(topic, group, Number(count), 600_000);
  process.stdout.write(`${group}\n`);
  process.exit(0);
}
