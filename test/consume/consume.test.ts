/**
 * End to end with the real Kafka, InfluxDB and PostgreSQL: a known tick stream (with poison
 * messages and a late tick) → `stockstream consume` (the built CLI) → exactly the bars, indicator
 * points and alerts createWindowPipeline computes from the same stream, in every sink; bad messages
 * in the DLQ; offsets committed; SIGTERM drains and exits 0; a replay leaves the same data.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dlqTopic } from '../../src/kafka/topics.ts';
import type { Bar, Tick } from '../../src/model.ts';
import { describeConsumer, startConsumer, waitForMetric, type ConsumerProcess } from './support/consumer-process.ts';
import { waitFor } from '../support/wait.ts';
import { influxResults, postgresCounts, postgresResults } from './support/read-back.ts';
import { createSuite, groupProgress, produce, readTopic, type ConsumeSuite } from './support/suite.ts';
import {
  closingTicks,
  expectedResults,
  tickMessages,
  tickStream,
  type Message,
  type Results,
} from './support/ticks.ts';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA'];
const POISON: Message[] = [
  { key: 'AAPL', value: 'this is not json' },
  { key: 'MSFT', value: '{"v":99,"symbol":"MSFT","time":1767709800000,"price":1,"source":"x"}' },
  { key: 'NVDA', value: '{"v":1,"symbol":"NVDA","time":1767709800000,"price":-5,"source":"x"}' },
];

let suite: ConsumeSuite;
let ticks: Tick[];
let lateTick: Tick;
let expected: Results;
let consumer: ConsumerProcess | undefined;

beforeAll(async () => {
  suite = await createSuite('consume_e2e');
  const stream = tickStream({ seed: 42, symbols: SYMBOLS, minutes: 60 });
  // Twenty minutes after its window closed: must go to the DLQ, not into a bar.
  lateTick = {
    ...stream.find((tick) => tick.symbol === 'AAPL' && tick.time > stream[0]!.time + 30 * 60_000)!,
    time: stream[0]!.time + 10 * 60_000 + 1,
  };
  const middle = Math.floor(stream.length / 2);
  ticks = [...stream.slice(0, middle), lateTick, ...stream.slice(middle), ...closingTicks(stream)];
  expected = expectedResults(suite.config.windows, ticks);
  const messages = tickMessages(ticks);
  messages.splice(100, 0, POISON[0]!);
  messages.splice(2_000, 0, POISON[1]!);
  messages.splice(5_000, 0, POISON[2]!);
  await produce(suite.config.kafka.topics.prices, messages, { source: 'test' });
});

afterAll(async () => {
  await consumer?.stop('SIGKILL');
});

async function waitForResults(url: string, want: Results, running: ConsumerProcess): Promise<void> {
  await waitFor(
    async () => {
      const counts = await postgresCounts(url);
      return counts.bars >= want.bars.length &&
        counts.indicators >= want.indicators.length &&
        counts.alerts >= want.alerts.length
        ? counts
        : undefined;
    },
    `${want.bars.length} bars, ${want.indicators.length} indicator points and ${want.alerts.length} alerts in PostgreSQL`,
    45_000,
    async () => `${JSON.stringify(await postgresCounts(url))}\n${await describeConsumer(running)}`,
  );
}

async function waitForCommits(group: string, topic: string, running: ConsumerProcess): Promise<void> {
  await waitFor(
    async () => {
      const progress = await groupProgress(group, topic);
      return progress.every((p) => p.committed === p.end || p.end === 0) ? progress : undefined;
    },
    `group ${group} to commit the end of every partition`,
    45_000,
    async () => `${JSON.stringify(await groupProgress(group, topic))}\n${await describeConsumer(running)}`,
  );
}

/** A bar computed by hand from the raw ticks of its window (in order, so no out-of-order rules apply). */
function handBar(symbol: string, start: number, intervalMs: number): Omit<Bar, 'vwap' | 'final' | 'interval' | 'end'> {
  const before = ticks.filter((tick) => tick.symbol === symbol && tick.time < start && tick !== lateTick);
  const inside = ticks.filter(
    (tick) => tick.symbol === symbol && tick.time >= start && tick.time < start + intervalMs && tick !== lateTick,
  );
  const prices = inside.map((tick) => tick.price);
  return {
    symbol,
    start,
    open: prices[0]!,
    high: Math.max(...prices),
    low: Math.min(...prices),
    close: prices[prices.length - 1]!,
    volume:
      before.length === 0
        ? inside.at(-1)!.dayVolume! - inside[0]!.dayVolume!
        : inside.at(-1)!.dayVolume! - before.at(-1)!.dayVolume!,
    ticks: inside.length,
  };
}

describe('stockstream consume end to end', () => {
  it('the stream has enough in it to be a real test', () => {
    expect(expected.bars.filter((bar) => bar.interval === '1m').length).toBeGreaterThanOrEqual(3 * 60);
    expect(expected.bars.filter((bar) => bar.interval === '5m').length).toBeGreaterThanOrEqual(3 * 12);
    expect(expected.indicators.some((point) => 'sma_50' in point.values && 'macd_signal' in point.values)).toBe(true);
    expect(new Set(expected.alerts.map((alert) => alert.type))).toEqual(
      new Set(['price-change', 'volatility', 'volume-spike', 'ma-crossover']),
    );
  });

  it(
    'writes exactly the expected bars, indicators and alerts to InfluxDB and PostgreSQL, and drains on SIGTERM',
    { timeout: 180_000 },
    async () => {
      consumer = await startConsumer(suite.configPath, ['--sinks', 'influx,postgres,file,kafka']);
      const validTicks = ticks.length - 1; // all but the late one
      await waitForMetric(consumer, 'stockstream_ticks_consumed_total', validTicks);
      await waitForResults(suite.postgresUrl, expected, consumer);
      // Offsets are committed once the sinks acknowledged and the state is saved.
      await waitForCommits(suite.config.kafka.groupId, suite.config.kafka.topics.prices, consumer);

      const metrics = await consumer.metrics();
      expect(metrics.get('stockstream_ticks_consumed_total')).toBe(validTicks);
      expect(metrics.get('stockstream_late_ticks_total')).toBe(1);
      expect(metrics.get('stockstream_invalid_messages_total')).toBe(3);
      expect(metrics.get('stockstream_dlq_messages_total')).toBe(4);
      expect(metrics.get('stockstream_windows_closed_total')).toBe(expected.bars.length);
      expect(metrics.get('stockstream_consumer_lag')).toBe(0);

      const exit = await consumer.stop('SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
      expect(consumer.stderr()).toMatch(/stopped after \d+s: \d+ ticks/);

      expect(await postgresResults(suite.postgresUrl)).toEqual(expected);
      expect(await influxResults(suite.influx, suite.config)).toEqual(expected);
    },
  );

  it('matches bars computed by hand from the raw ticks', async () => {
    const stored = await postgresResults(suite.postgresUrl);
    const start = Date.parse('2026-01-06T14:30:00Z');
    for (const [symbol, minute, interval, ms] of [
      ['AAPL', 0, '1m', 60_000],
      ['MSFT', 17, '1m', 60_000],
      ['NVDA', 30, '5m', 300_000],
    ] as const) {
      const bar = stored.bars.find(
        (b) => b.symbol === symbol && b.interval === interval && b.start === start + minute * 60_000,
      );
      expect(bar).toMatchObject(handBar(symbol, start + minute * 60_000, ms));
    }
  });

  it('sends poison messages and the late tick to the DLQ with the reason and the original bytes', async () => {
    const topic = suite.config.kafka.topics.prices;
    const dead = await readTopic(dlqTopic(topic), 4);
    expect(dead).toHaveLength(4);
    const byStage = (stage: string) => dead.filter((message) => message.headers['error.stage'] === stage);
    expect(
      byStage('decode')
        .map((message) => message.value)
        .sort(),
    ).toEqual(POISON.map((message) => message.value).sort());
    expect(
      byStage('decode')
        .map((message) => message.headers.error)
        .sort(),
    ).toEqual(
      [
        'not JSON: Unexpected token \'h\', "this is not json" is not valid JSON',
        'price must be a positive number',
        'unsupported schema version 99 (expected 1)',
      ].sort(),
    );
    const [late] = byStage('late');
    expect(JSON.parse(late!.value!)).toMatchObject({ symbol: 'AAPL', time: lateTick.time });
    expect(late!.headers.error).toMatch(/late|closed|watermark/i);
    for (const message of dead) {
      expect(message.headers['original.topic']).toBe(topic);
      expect(Number(message.headers['original.offset'])).toBeGreaterThanOrEqual(0);
      expect(message.headers['original.partition']).toMatch(/^[0-3]$/);
      expect(message.headers.source).toBe('test');
    }
  });

  it('publishes final bars, indicators and alerts to the derived topics, keyed by symbol', async () => {
    const bars = await readTopic(suite.config.kafka.topics.bars, expected.bars.length);
    const keys = new Set(
      bars.map(
        (message) => `${message.key}|${JSON.parse(message.value!).interval}|${JSON.parse(message.value!).start}`,
      ),
    );
    expect(keys.size).toBe(expected.bars.length);
    for (const message of bars)
      expect(JSON.parse(message.value!)).toMatchObject({ v: 1, symbol: message.key, final: true });
    const alerts = await readTopic(suite.config.kafka.topics.alerts, expected.alerts.length);
    expect(new Set(alerts.map((message) => message.value)).size).toBe(expected.alerts.length);
  });

  it('appends every output to the file sink as NDJSON', () => {
    const lines = readFileSync(suite.config.sinks.file.path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; final?: boolean });
    expect(lines.filter((line) => line.kind === 'bar' && line.final).length).toBeGreaterThanOrEqual(
      expected.bars.length,
    );
    expect(lines.filter((line) => line.kind === 'tick').length).toBeGreaterThanOrEqual(ticks.length - 1);
  });

  it('replaying the topic with another group leaves exactly the same data', { timeout: 180_000 }, async () => {
    consumer = await startConsumer(suite.configPath, ['--group', `${suite.name}_replay`, '--sinks', 'influx,postgres']);
    await waitForMetric(consumer, 'stockstream_ticks_consumed_total', ticks.length - 1);
    await waitForCommits(`${suite.name}_replay`, suite.config.kafka.topics.prices, consumer);
    expect(await consumer.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(await postgresResults(suite.postgresUrl)).toEqual(expected);
    expect(await influxResults(suite.influx, suite.config)).toEqual(expected);
  });
});
