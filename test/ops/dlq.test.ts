/**
 * `stockstream dlq list|show|redrive` against the real Kafka and a real consume run: consume
 * dead-letters poison and far-future ticks; list groups them, show prints them; redrive sends each
 * chosen dead letter exactly once across two runs (and a second copy of one in the DLQ not at all);
 * after the fix (here: a larger windows.maxFutureSkew) a consume run applies exactly them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTick, type Tick } from '../../src/model.ts';
import { startConsumer, waitForMetric, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { groupProgress, readTopic } from '../consume/support/suite.ts';
import { createTopic } from '../support/services.ts';
import { waitFor } from '../support/wait.ts';
import { runInPty } from '../watch/support.ts';
import { ndjson, opsSuite, writeRecords, type OpsSuite } from './support.ts';

const NOW = Date.now();

function tick(symbol: string, time: number, price: number): Tick {
  return { symbol, time, price, dayVolume: 1_000 + price, source: 'test' };
}

describe('stockstream dlq', () => {
  let suite: OpsSuite;
  let consumer: ConsumerProcess | undefined;
  const valid = [0, 1, 2, 3, 4, 5].map((i) => tick(i % 2 ? 'MSFT' : 'AAPL', NOW - 10 * 60_000 + i * 1_000, 100 + i));
  // An hour ahead of the clock: beyond the default windows.maxFutureSkew (1m), so stage future.
  const future = [tick('AAPL', NOW + 3_600_000, 200), tick('MSFT', NOW + 3_600_000 + 1, 201)];
  const poison = ['{bad json', '{"v":2,"symbol":"AAPL"}', '\u0000\u0001binary'];

  beforeAll(async () => {
    // The file sink: the lightest sink; this test reads the topics and the consumer's metrics, not sink output.
    suite = opsSuite('dlq', (dir) => ({ sinks: { enabled: ['file'], file: { path: join(dir, 'outputs.ndjson') } } }));
    const topic = await createTopic(suite.config.kafka.topics.prices, 2);
    // Made here rather than by consume: a consume that creates its DLQ and writes to it at once
    // can meet "not the leader for that topic-partition" (seen once; the engine's own business).
    await createTopic(`${topic}.dlq`, 2);
    await writeRecords([
      ...valid.map((t) => ({ topic, partition: t.symbol === 'AAPL' ? 0 : 1, key: t.symbol, value: encodeTick(t) })),
      ...poison.map((value, i) => ({ topic, partition: i % 2, key: 'AAPL', value })),
      ...future.map((t) => ({ topic, partition: t.symbol === 'AAPL' ? 0 : 1, key: t.symbol, value: encodeTick(t) })),
    ]);
    consumer = await startConsumer(suite.configPath);
    await waitForMetric(consumer, 'stockstream_dlq_messages_total', poison.length + future.length);
    await waitForMetric(consumer, 'stockstream_ticks_consumed_total', valid.length);
    await consumer.stop();
    consumer = undefined;
  });

  afterAll(async () => {
    await consumer?.stop('SIGKILL');
  });

  it('list groups the dead letters by stage and reason, with counts and first/last places', async () => {
    const result = await suite.cli(['--json', 'dlq', 'list']);
    expect(result.code, result.stderr).toBe(0);
    const groups = ndjson<{ stage: string; reason: string; count: number; first: string; last: string }>(result.stdout);
    const byStage = new Map<string, number>();
    for (const group of groups) byStage.set(group.stage, (byStage.get(group.stage) ?? 0) + group.count);
    expect(Object.fromEntries(byStage)).toEqual({ decode: poison.length, future: future.length });
    expect(groups.find((g) => g.stage === 'future')).toMatchObject({
      count: 2,
      first: expect.stringMatching(/^\d@\d+$/),
    });
    const human = await suite.cli(['dlq', 'list']);
    expect(human.stdout).toMatch(/^5 dead letters in .*\.dlq\nSTAGE/);
  });

  it('show --stage --limit prints the chosen dead letters like tail dlq', async () => {
    const result = await suite.cli(['--json', 'dlq', 'show', '--stage', 'decode', '--limit', '2']);
    const shown = ndjson<{ deadLetter: { stage: string; topic: string } }>(result.stdout);
    expect(shown).toHaveLength(2);
    for (const letter of shown)
      expect(letter.deadLetter).toMatchObject({ stage: 'decode', topic: suite.config.kafka.topics.prices });
    const human = await suite.cli(['dlq', 'show', '--stage', 'future']);
    expect(human.stdout.trim().split('\n')).toHaveLength(2);
    expect(human.stdout).toMatch(/^dlq {7}future {6}(AAPL|MSFT) /);
  });

  it('redrive asks on a terminal, and sends nothing when the answer is no', async () => {
    const prices = suite.config.kafka.topics.prices;
    const before = await groupProgress(suite.config.kafka.groupId, prices);
    const run = runInPty(['--config', suite.configPath, 'dlq', 'redrive', '--stage', 'future']);
    await run.waitFor((output) => output.includes('[y/N]'), 'the confirmation question', 30_000);
    expect(run.output()).toMatch(/send 2 dead letters \(stage future\) from .*\.dlq to .*_prices\? \[y\/N\]/);
    run.type('n\r');
    expect((await run.exit).code).toBe(0);
    expect(await groupProgress(suite.config.kafka.groupId, prices)).toEqual(before);
  });

  it('redrive sends each chosen dead letter exactly once across two runs, and consume then applies them', async () => {
    const prices = suite.config.kafka.topics.prices;
    const dlq = `${prices}.dlq`;
    const before = await groupProgress(suite.config.kafka.groupId, prices);
    expect(
      before.every((p) => p.committed === p.end),
      JSON.stringify(before),
    ).toBe(true);

    const first = await suite.cli(['--json', 'dlq', 'redrive', '--stage', 'future', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ chosen: 2, alreadyRedriven: 0, sent: 2, target: prices });
    // The end offsets are read_committed (the last stable offset): they move only once the broker has
    // written the transaction's commit markers, which it does after the commit returns. A reader
    // that sees the two redriven messages has seen the markers land.
    await waitFor(
      async () =>
        (await readTopic(prices, valid.length + poison.length + future.length + 2)).filter(
          (m) => m.headers['redriven-from'],
        ).length === 2,
      'the first redrive committed and visible',
    );
    const afterFirst = await groupProgress(suite.config.kafka.groupId, prices);

    // A second copy of one future dead letter (a consumer that crashed before committing writes it again).
    const [copy] = (await readTopic(dlq, 5)).filter((m) => m.headers['error.stage'] === 'future');
    await writeRecords([{ topic: dlq, partition: 0, key: copy!.key, value: copy!.value, headers: copy!.headers }]);

    const second = await suite.cli(['--json', 'dlq', 'redrive', '--stage', 'future', '--yes']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ chosen: 3, alreadyRedriven: 3, sent: 0 });

    // Nothing more reached the topic (its end offsets also count the transaction markers).
    expect(await groupProgress(suite.config.kafka.groupId, prices)).toEqual(afterFirst);
    const redriven = (await readTopic(prices, valid.length + poison.length + future.length + 2)).filter(
      (m) => m.headers['redriven-from'],
    );
    expect(redriven.map((m) => m.value).sort()).toEqual(future.map((t) => encodeTick(t)).sort());
    expect(redriven).toHaveLength(2);
    for (const message of redriven) {
      expect(message.headers['redriven-from']).toMatch(new RegExp(`^${dlq}/\\d@\\d+$`));
      expect(message.headers).not.toHaveProperty('error.stage');
      expect(message.key).toBe(JSON.parse(message.value!).symbol);
    }

    // The fix: future ticks an hour ahead are now accepted (the setting this test is about).
    const fixedPath = join(suite.dir, 'fixed.config.json');
    writeFileSync(fixedPath, JSON.stringify({ ...suite.userConfig, windows: { maxFutureSkew: '2h' } }, null, 2));
    consumer = await startConsumer(fixedPath);
    await waitForMetric(consumer, 'stockstream_ticks_consumed_total', 2);
    const metrics = await consumer.metrics();
    expect(metrics.get('stockstream_ticks_consumed_total')).toBe(2);
    expect(metrics.get('stockstream_dlq_messages_total') ?? 0).toBe(0);
    expect(metrics.get('stockstream_future_ticks_total') ?? 0).toBe(0);
    await consumer.stop();
    consumer = undefined;
  });

  it('redrive without --stage is a usage error', async () => {
    const result = await suite.cli(['dlq', 'redrive']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/dlq redrive needs --stage/);
  });
});
