/**
 * What the kafka sink wrote, as a read_committed reader (kafkajs' default, like our own readers)
 * sees it: under exactly-once each bar, indicator point and alert must be there exactly once.
 */
import type { Config } from '../../../src/config/schema.ts';
import type { Alert, Bar, IndicatorPoint } from '../../../src/model.ts';
import { waitFor } from '../../support/wait.ts';
import { testKafkaClient, uniqueName } from '../../support/services.ts';
import { canonicalAlert, canonicalBar, canonicalPoint, sortResults, type Results } from './ticks.ts';

/** How long a reader that has all it expected goes on looking for a record too many. */
const EXTRA_WAIT_MS = 10_000;

export interface KafkaOutputs {
  results: Results;
  /** Records per topic, duplicates included. */
  counts: { bars: number; indicators: number; alerts: number };
}

/** Every value of a topic once `count` arrived and EXTRA_WAIT_MS passed without the reader stopping, so a duplicate shows up. */
export async function readAtLeast(topic: string, count: number): Promise<string[]> {
  const consumer = testKafkaClient().consumer({ groupId: uniqueName('committed_reader'), maxWaitTimeInMs: 100 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? 'null') });
    await waitFor(
      () => (values.length >= count ? true : undefined),
      `${count} records in ${topic}`,
      60_000,
      () => `${values.length} arrived`,
    );
    await new Promise((resolve) => setTimeout(resolve, EXTRA_WAIT_MS)); // not a condition: looking for what should not come
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** Reads the three output topics. */
export async function kafkaOutputs(config: Config, expected: Results): Promise<KafkaOutputs> {
  const { bars, indicators, alerts } = config.kafka.topics;
  const read = async <T>(topic: string, count: number, decode: (value: T) => T) => {
    const values = await readAtLeast(topic, count);
    return values.map((value) => decode(JSON.parse(value) as T));
  };
  const [barList, pointList, alertList] = await Promise.all([
    read<Bar>(bars, expected.bars.length, canonicalBar),
    read<IndicatorPoint>(indicators, expected.indicators.length, canonicalPoint),
    read<Alert>(alerts, expected.alerts.length, canonicalAlert),
  ]);
  return {
    results: sortResults({ bars: barList, indicators: pointList, alerts: alertList }),
    counts: { bars: barList.length, indicators: pointList.length, alerts: alertList.length },
  };
}
