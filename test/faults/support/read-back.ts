/**
 * What a fault test reads back from the sinks and compares with an undisturbed run.
 *
 * On the shipped defaults the idle timer closes a caught-up partition's last windows — those that
 * hold only the closing ticks — `windows.idleTimeout` (10 s) after its last tick. Whether that
 * happened before the read-back depends on how long the test ran after the stream ended (a slow
 * catch-up on a loaded machine, a longer outage), not on the product. So both sides end at the
 * stream's last tick (beforeClosingTicks): every window the stream itself closes is compared field
 * by field, in every store; the closing ticks' own windows are not.
 */
import { expect } from 'vitest';
import { beforeClosingTicks, expectedResults, type Results } from '../../consume/support/ticks.ts';
import { kafkaOutputs, type KafkaOutputs } from '../../consume/support/kafka-outputs.ts';
import { influxResults, postgresResults } from '../../consume/support/read-back.ts';
import type { ConsumeSuite } from '../../consume/support/suite.ts';
import type { Session } from './session.ts';

export interface ReadBack {
  /** The undisturbed run's results, up to the stream's last tick. */
  expected: Results;
  influx(): Promise<Results>;
  postgres(): Promise<Results>;
  /** The kafka sink's topics as a read_committed reader sees them, each record as often as it is there. */
  kafka(): Promise<KafkaOutputs>;
}

export function readBack(suite: ConsumeSuite, stream: Pick<Session, 'all' | 'lastTime'>): ReadBack {
  const cut = (results: Results) => beforeClosingTicks(results, stream.lastTime);
  const expected = cut(expectedResults(suite.config.windows, stream.all));
  return {
    expected,
    influx: async () => cut(await influxResults(suite.influx, suite.config)),
    postgres: async () => cut(await postgresResults(suite.postgresUrl)),
    async kafka() {
      const results = cut((await kafkaOutputs(suite.config, expected)).results);
      const counts = {
        bars: results.bars.length,
        indicators: results.indicators.length,
        alerts: results.alerts.length,
      };
      return { results, counts };
    },
  };
}

/** The kafka sink's topics hold exactly the undisturbed results, each record once (exactly-once, read_committed). */
export async function expectKafkaOnce(back: ReadBack, what = "the kafka sink's topics"): Promise<void> {
  const kafka = await back.kafka();
  expect(kafka.results, what).toEqual(back.expected);
  expect(kafka.counts, `${what}: each Kafka output once for a read_committed reader`).toEqual({
    bars: back.expected.bars.length,
    indicators: back.expected.indicators.length,
    alerts: back.expected.alerts.length,
  });
}
