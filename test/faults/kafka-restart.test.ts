/**
 * Scenario 1: the Kafka broker stops for 20 s while `produce` and `consume` run, then starts again
 * with its data. The producer holds its ticks and sends them once the broker is back; the consumer
 * resumes where it was. The topic ends with every tick exactly once, in order per symbol, and the
 * bars in InfluxDB equal those of an undisturbed run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTick, encodeTick, type Tick } from '../../src/model.ts';
import { runCli } from '../support/cli.ts';
import { startConsumer, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { influxResults } from '../consume/support/read-back.ts';
import { createSuite, groupProgress, readTopic, type ConsumeSuite } from '../consume/support/suite.ts';
import { expectedResults, type Results } from '../consume/support/ticks.ts';
import { waitForAllCommitted } from './support/progress.ts';
import { allUp, outage } from './support/servers.ts';
import { session } from './support/session.ts';

const OUTAGE_MS = 20_000;
/** Replay pace: the 40 minutes of event time take about 50 s, so the outage falls mid-stream. */
const SPEED = 48;

let suite: ConsumeSuite;
let ticks: Tick[];
let expected: Results;
let file: string;
let consumer: ConsumerProcess | undefined;

beforeAll(async () => {
  suite = await createSuite('fault_kafka', { sinks: { enabled: ['influx'] } });
  ticks = session({ seed: 11, symbols: ['AAPL', 'MSFT', 'NVDA', 'AMZN'], minutes: 30 }).all;
  expected = expectedResults(suite.config.windows, ticks);
  file = join(suite.dir, 'session.ndjson');
  writeFileSync(file, ticks.map((tick) => encodeTick(tick)).join('\n') + '\n');
});

afterAll(async () => {
  await consumer?.stop('SIGKILL');
  await allUp();
});

describe('Kafka broker restart', () => {
  it('loses no tick and no bar while the broker is down for 20 s', { timeout: 300_000 }, async () => {
    const topic = suite.config.kafka.topics.prices;
    consumer = await startConsumer(suite.configPath);
    const producing = runCli(['--config', suite.configPath, '--json', 'produce', '--source', 'replay', '--file', file, '--speed', String(SPEED)], { timeoutMs: 240_000 });

    // Both are running and data flows end to end before the broker goes away.
    await waitForMetric(consumer, 'stockstream_ticks_consumed_total', 500);
    await waitForMetric(consumer, 'stockstream_checkpoints_total', 1);
    const before = (await consumer.metrics()).get('stockstream_ticks_consumed_total') ?? 0;
    expect(before, 'the outage starts mid-stream').toBeLessThan(ticks.length / 2);

    await outage('kafka', OUTAGE_MS);

    const produced = await producing;
    expect(produced.code, produced.stderr).toBe(0);
    expect(JSON.parse(produced.stdout)).toMatchObject({ published: ticks.length, deadLettered: 0 });
    // It did meet the outage: it held its ticks and said so.
    expect(produced.stderr).toMatch(/Kafka at .* is away .*holding \d+ message\(s\), retry 1 in/);
    expect(produced.stderr).toMatch(/Kafka at .* is back after \d+ retr/);

    await waitForAllCommitted(suite, consumer, 'every offset committed after the broker came back');
    const metrics = await consumer.metrics();
    expect(consumer.child.exitCode, 'the consumer kept running').toBeNull();
    // Each tick applied exactly once: none lost in the outage, none re-applied after it.
    expect(metrics.get('stockstream_ticks_consumed_total')).toBe(ticks.length);
    expect(metrics.get('stockstream_dlq_messages_total') ?? 0).toBe(0);
    expect(await consumer.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    // The topic holds every tick once, each symbol's ticks in the order they were produced.
    const stored = await readTopic(topic, ticks.length, 60_000);
    const size = (await groupProgress(suite.config.kafka.groupId, topic)).reduce((sum, p) => sum + p.end, 0);
    expect(size).toBe(ticks.length);
    const bySymbol = (list: Tick[]) => {
      const groups = new Map<string, Tick[]>();
      for (const tick of list) groups.set(tick.symbol, [...(groups.get(tick.symbol) ?? []), tick]);
      return groups;
    };
    const inTopic = stored.sort((a, b) => a.partition - b.partition || a.offset - b.offset).map((m) => decodeTick(m.value));
    expect(bySymbol(inTopic)).toEqual(bySymbol(ticks));

    expect(await influxResults(suite.influx, suite.config)).toEqual(expected);
  });
});
