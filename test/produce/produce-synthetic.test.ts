import { describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.ts';
import { TICK_SCHEMA } from '../../src/kafka/publisher.ts';
import { decodeTick, encodeTick } from '../../src/model.ts';
import { produce } from '../../src/sources/produce.ts';
import { createSyntheticGenerator } from '../../src/sources/synthetic/generator.ts';
import { uniqueName } from '../support/services.ts';
import { consumeAll, quietLogger, testConfig, valuesByKey } from './helpers/kafka.ts';

const symbols = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'META'];
const start = '2026-03-10T14:30:00Z';

describe('produce from the synthetic source into Kafka', () => {
  it('publishes exactly the generated ticks, keyed by symbol, one partition per symbol, in order', async () => {
    const topic = uniqueName('prices_synthetic');
    const config = testConfig({ symbols, kafka: { topics: { prices: topic } }, source: { name: 'synthetic', synthetic: { rate: 50_000, seed: 11, start } } });
    const logger = quietLogger();
    const summary = await produce(config, { logger, signal: new AbortController().signal, limit: 3_000 });
    expect(summary).toMatchObject({ topic, published: 3_000, deadLettered: 0, stoppedBy: 'limit', bySource: { synthetic: 3_000 } });

    const messages = await consumeAll(createKafka(config, logger), topic, 3_000);
    expect(messages).toHaveLength(3_000);
    const expected = createSyntheticGenerator({ symbols, seed: 11, volatility: 0.3, rate: 50_000, start: Date.parse(start) }).next(3_000);
    const actual = valuesByKey(messages);
    expect([...actual.keys()].sort()).toEqual([...symbols].sort());
    for (const symbol of symbols) {
      expect(actual.get(symbol)).toEqual(expected.filter((t) => t.symbol === symbol).map((t) => encodeTick(decodeTick(encodeTick(t)))));
    }
    const partitionOf = new Map<string, Set<number>>();
    for (const m of messages) {
      partitionOf.set(m.key, (partitionOf.get(m.key) ?? new Set()).add(m.partition));
      expect(m.headers).toEqual({ source: 'synthetic', schema: TICK_SCHEMA });
    }
    for (const partitions of partitionOf.values()) expect(partitions.size).toBe(1);
  });
});
