import { beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.ts';
import { openPublisher, tickMessage, TICK_SCHEMA } from '../../src/kafka/publisher.ts';
import { decodeTick, type Tick } from '../../src/model.ts';
import { createTopic, uniqueName } from '../support/services.ts';
import { testConfig, quietLogger } from './helpers/kafka.ts';
import { readMessages } from '../support/topics.ts';

const config = testConfig();
const logger = quietLogger();
const kafka = createKafka(config, logger);
const topic = uniqueName('publisher');

beforeAll(async () => {
  await createTopic(topic, 4);
});

function tick(symbol: string, i: number): Tick {
  return { symbol, time: 1_767_700_000_000 + i * 1000, price: 100 + i / 100, dayVolume: i * 10, source: 'synthetic' };
}

describe('publisher', () => {
  const symbols = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'META'];
  const ticks = Array.from({ length: 5000 }, (_, i) => tick(symbols[i % symbols.length]!, i));

  it('publishes keyed messages with headers, same symbol to the same partition, in order', async () => {
    const publisher = await openPublisher(kafka, config, logger, {
      topic,
      maxBatchMessages: 700,
      maxBufferedMessages: 1500,
    });
    for (let i = 0; i < ticks.length; i += 250)
      await publisher.publish(ticks.slice(i, i + 250).map((t) => tickMessage(t)));
    await publisher.flush();
    const stats = publisher.stats();
    await publisher.close();
    expect(stats.acknowledged).toBe(ticks.length);
    expect(stats.requests).toBeGreaterThanOrEqual(Math.ceil(ticks.length / 700));

    const messages = await readMessages(topic, ticks.length, { kafka });
    expect(messages).toHaveLength(ticks.length);
    const partitionOf = new Map<string | null, number>();
    const bySymbol = new Map<string, Tick[]>();
    for (const m of messages) {
      expect(m.headers).toEqual({ source: 'synthetic', schema: TICK_SCHEMA });
      const decoded = decodeTick(m.value);
      expect(m.key).toBe(decoded.symbol);
      if (!partitionOf.has(m.key)) partitionOf.set(m.key, m.partition);
      expect(m.partition).toBe(partitionOf.get(m.key));
      bySymbol.set(decoded.symbol, [...(bySymbol.get(decoded.symbol) ?? []), decoded]);
    }
    for (const symbol of symbols) {
      expect(bySymbol.get(symbol)).toEqual(ticks.filter((t) => t.symbol === symbol));
    }
    // five symbols over four partitions: the keys really spread
    expect(new Set(partitionOf.values()).size).toBeGreaterThan(1);
  });

  it('send resolves only after Kafka acknowledged, and a failure surfaces as a ConnectError', async () => {
    const publisher = await openPublisher(kafka, config, logger, { topic });
    await publisher.send([tickMessage(tick('AAPL', 1))]);
    expect(publisher.stats().acknowledged).toBe(1);
    await expect(publisher.send([{ topic: uniqueName('missing'), key: 'X', value: 'x' }])).rejects.toThrow(
      /^Kafka: publishing to .+ failed/,
    );
    await expect(publisher.publish([tickMessage(tick('AAPL', 2))])).rejects.toThrow(/publishing/);
    await publisher.close();
  });
});
