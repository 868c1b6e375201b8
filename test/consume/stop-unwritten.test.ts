/**
 * A stop while a sink is down says how many records it leaves unwritten — and under exactly-once
 * (the default) that includes what waits in its partition for the next checkpoint transaction: the
 * kafka sink's outputs and the dead letters never go through a sink queue, yet they are just as
 * unwritten when the last checkpoint cannot commit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowOutput } from '../../src/model.ts';
import { createWindowPipeline } from '../../src/windows/index.ts';
import { services } from '../support/services.ts';
import { describeConsumer, startConsumer, waitForMetric, type ConsumerProcess } from './support/consumer-process.ts';
import { outageProxy, type OutageProxy } from './support/outage-proxy.ts';
import { createSuite, produce, type ConsumeSuite } from './support/suite.ts';
import { tickMessages, tickStream } from './support/ticks.ts';

const POISON = ['not json', '{"v":1}', 'null'];

let proxy: OutageProxy;
let suite: ConsumeSuite;
let consumer: ConsumerProcess | undefined;
let ticks: number;
/** What the kafka sink takes: from the windows the data closes, up to every window (the idle timer may close the rest). */
let kafkaOutputs: { closedByData: number; all: number };

const forKafka = (output: WindowOutput) => (output.kind === 'bar' ? output.bar.final : output.kind !== 'tick');

beforeAll(async () => {
  // InfluxDB is down for the whole test: the stop cannot write its queue, so the last checkpoint
  // (whose transaction carries the kafka sink's outputs and the dead letters) cannot commit.
  proxy = await outageProxy(services().influx.url);
  proxy.down();
  suite = await createSuite('consume_stop_unwritten', {
    influxUrl: proxy.url,
    sinks: { enabled: ['influx', 'kafka'] },
  });
  const stream = tickStream({ seed: 7, symbols: ['AAPL', 'MSFT'], minutes: 10 });
  ticks = stream.length;
  const now = Date.now();
  const pipeline = createWindowPipeline(suite.config.windows, { clock: () => now });
  const outputs: WindowOutput[] = [];
  for (const tick of stream) pipeline.push(tick, outputs, now);
  const closedByData = outputs.filter(forKafka).length;
  pipeline.onTimer(Number.MAX_SAFE_INTEGER, outputs);
  kafkaOutputs = { closedByData, all: outputs.filter(forKafka).length };
  const messages = tickMessages(stream);
  POISON.forEach((value, i) =>
    messages.splice(Math.floor(((i + 1) * messages.length) / (POISON.length + 1)), 0, { key: 'AAPL', value }),
  );
  await produce(suite.config.kafka.topics.prices, messages);
});

afterAll(async () => {
  await consumer?.stop('SIGKILL');
  await proxy.close();
});

describe('a stop that cannot write everything', () => {
  it(
    'counts the outputs and dead letters waiting for the transaction as not written',
    { timeout: 120_000 },
    async () => {
      consumer = await startConsumer(suite.configPath);
      await waitForMetric(consumer, 'stockstream_ticks_consumed_total', ticks);
      await waitForMetric(consumer, 'stockstream_invalid_messages_total', POISON.length);
      const exit = await consumer.stop('SIGTERM');
      expect(exit.code, await describeConsumer(consumer)).toBe(1);
      const stderr = consumer.stderr();
      const match = /stopped with ([\d,]+) records? not written \(([^)]*)\)/.exec(stderr);
      expect(match, stderr).not.toBeNull();
      const entries = new Map(
        match![2]!.split(', ').map((entry) => {
          const [name, count] = entry.split(' ');
          return [name!, Number(count!.replace(/,/g, ''))] as const;
        }),
      );
      expect([...entries.values()].reduce((sum, count) => sum + count, 0)).toBe(Number(match![1]!.replace(/,/g, '')));
      expect(entries.get('influx')).toBeGreaterThan(0);
      expect(entries.get('dlq')).toBe(POISON.length);
      const kafka = entries.get('kafka');
      expect(kafka).toBeGreaterThanOrEqual(kafkaOutputs.closedByData);
      expect(kafka).toBeLessThanOrEqual(kafkaOutputs.all);
      expect(stderr).toMatch(/nothing is lost/);
    },
  );
});
