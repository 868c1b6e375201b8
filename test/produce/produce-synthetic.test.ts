import { describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.ts';
import { TICK_SCHEMA } from '../../src/kafka/publisher.ts';
import { decodeTick, encodeTick } from '../../src/model.ts';
import { produce } from '../../src/sources/produce.ts';
import { createSyntheticGenerator } from '../../src/sources/synthetic/generator.ts';
import { uniqueName } from '../support/services.ts';
import { fakeYahoo } from '../support/fake-yahoo.ts';
import { quietLogger, testConfig, valuesByKey } from './helpers/kafka.ts';
import { readMessages } from '../support/topics.ts';

const symbols = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'META'];
const start = '2026-03-10T14:30:00Z';

describe('produce from the synthetic source into Kafka', () => {
  it('publishes exactly the generated ticks, keyed by symbol, one partition per symbol, in order', async () => {
    const topic = uniqueName('prices_synthetic');
    const config = testConfig({
      symbols,
      kafka: { topics: { prices: topic } },
      source: { name: 'synthetic', synthetic: { rate: 50_000, seed: 11, start } },
    });
    const logger = quietLogger();
    const summary = await produce(config, { logger, signal: new AbortController().signal, limit: 3_000 });
    expect(summary).toMatchObject({
      topic,
      published: 3_000,
      deadLettered: 0,
      stoppedBy: 'limit',
      bySource: { synthetic: 3_000 },
    });

    const messages = await readMessages(topic, 3_000, { kafka: createKafka(config, logger) });
    expect(messages).toHaveLength(3_000);
    const expected = createSyntheticGenerator({
      symbols,
      seed: 11,
      volatility: 0.3,
      rate: 50_000,
      start: Date.parse(start),
    }).next(3_000);
    const actual = valuesByKey(messages);
    expect([...actual.keys()].sort()).toEqual([...symbols].sort());
    for (const symbol of symbols) {
      expect(actual.get(symbol)).toEqual(
        expected.filter((t) => t.symbol === symbol).map((t) => encodeTick(decodeTick(encodeTick(t)))),
      );
    }
    const partitionOf = new Map<string | null, Set<number>>();
    for (const m of messages) {
      partitionOf.set(m.key, (partitionOf.get(m.key) ?? new Set()).add(m.partition));
      expect(m.headers).toEqual({ source: 'synthetic', schema: TICK_SCHEMA });
    }
    for (const partitions of partitionOf.values()) expect(partitions.size).toBe(1);
  });

  it('publishes the --backfill bars first, marked as backfill, then the live source', async () => {
    const topic = uniqueName('prices_backfill');
    const yahoo = fakeYahoo({ '/v8/finance/chart/AAPL': [{ fixture: 'chart-aapl-1m' }] });
    // A clock that runs at real pace (the synthetic source paces by it) but reads Monday 2026-03-09 10:00 ET.
    const offset = Date.parse('2026-03-09T14:00:00Z') - Date.now();
    const config = testConfig({
      symbols: ['AAPL'],
      kafka: { topics: { prices: topic } },
      source: { name: 'synthetic', backfill: '3d', synthetic: { rate: 1_000, seed: 5, start } },
    });
    const logger = quietLogger();
    const summary = await produce(config, {
      logger,
      signal: new AbortController().signal,
      limit: 25,
      deps: { fetch: yahoo.fetch, now: () => Date.now() + offset },
    });
    expect(summary.bySource).toEqual({ backfill: 5, synthetic: 20 });

    const messages = await readMessages(topic, 25, { kafka: createKafka(config, logger) });
    const ticks = messages.map((m) => decodeTick(m.value));
    expect(ticks.map((t) => t.source)).toEqual([
      ...Array<string>(5).fill('backfill'),
      ...Array<string>(20).fill('synthetic'),
    ]);
    expect(ticks.slice(0, 5).map((t) => [t.price, t.dayVolume, t.backfill])).toEqual([
      [229.75, 310200, true],
      [229.81, 712300, true],
      [229.88, 1932800, true],
      [230.3, 1120330, true],
      [230.4, 1502330, true],
    ]);
    expect(ticks.slice(5).some((t) => t.backfill)).toBe(false);
    expect(messages.map((m) => m.headers.source)).toEqual(ticks.map((t) => t.source));
  });
});
