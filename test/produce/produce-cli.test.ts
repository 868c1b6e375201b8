import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.ts';
import { runCli, startCli } from '../support/cli.ts';
import { testKafka, uniqueName } from '../support/services.ts';
import { quietLogger, testConfig, topicSize, valuesByKey } from './helpers/kafka.ts';
import { readMessages } from '../support/topics.ts';
import { waitFor } from '../support/wait.ts';

// A directory without a stockstream config file, so only flags and defaults apply.
const cwd = mkdtempSync(join(tmpdir(), 'stockstream-produce-'));
const brokers = () => testKafka().join(',');
const kafka = () => createKafka(testConfig(), quietLogger());

function produceArgs(topic: string, ...args: string[]): string[] {
  return ['--json', 'produce', '--topic', topic, '--brokers', brokers(), ...args];
}

describe('stockstream produce (built CLI)', () => {
  it('fills the topic from synthetic at 1000 ticks/s, records the session, and a replay reproduces it exactly', async () => {
    const recorded = uniqueName('prices_recorded');
    const replayed = uniqueName('prices_replayed');
    const file = join(cwd, `${recorded}.ndjson`);

    const first = await runCli(
      produceArgs(
        recorded,
        '--source',
        'synthetic',
        '--symbols',
        'AAPL,MSFT',
        '--rate',
        '1000',
        '--limit',
        '5000',
        '--seed',
        '3',
        '--record',
        file,
      ),
      { cwd, timeoutMs: 60_000 },
    );
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as { published: number; elapsedMs: number };
    expect(summary.published).toBe(5_000);
    // paced, not dumped: 5,000 ticks at 1,000/s take about five seconds
    expect(summary.elapsedMs).toBeGreaterThan(4_000);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(5_000);

    const original = await readMessages(recorded, 5_000, { kafka: kafka() });
    expect(original).toHaveLength(5_000);
    const originalByKey = valuesByKey(original);
    for (const symbol of ['AAPL', 'MSFT']) {
      expect(originalByKey.get(symbol)).toEqual(lines.filter((line) => line.includes(`"symbol":"${symbol}"`)));
    }

    const second = await runCli(produceArgs(replayed, '--source', 'replay', '--file', file, '--speed', '0'), {
      cwd,
      timeoutMs: 60_000,
    });
    expect(second.code, second.stderr).toBe(0);
    const copy = await readMessages(replayed, 5_000, { kafka: kafka() });
    expect(copy).toHaveLength(5_000);
    expect(valuesByKey(copy)).toEqual(originalByKey);
    const partitions = (messages: typeof copy) => Object.fromEntries(messages.map((m) => [m.key, m.partition]));
    expect(partitions(copy)).toEqual(partitions(original));
    expect(copy.every((m) => m.headers.source === 'synthetic')).toBe(true);
  });

  it('sends unreadable replay records to the dead-letter topic with the reason', async () => {
    const topic = uniqueName('prices_dlq');
    const file = join(cwd, `${topic}.ndjson`);
    writeFileSync(
      file,
      [
        '{"symbol":"AAPL","time":1773156600000,"price":231.54}',
        'not json',
        '{"symbol":"MSFT","time":1773156600000,"price":0}',
        '{"symbol":"MSFT","time":1773156601000,"price":415.1}',
      ].join('\n'),
    );
    const result = await runCli(produceArgs(topic, '--source', 'replay', '--file', file), { cwd, timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ published: 2, deadLettered: 2 });
    const dead = await readMessages(`${topic}.dlq`, 2, { kafka: kafka() });
    expect(dead.map((m) => [String(m.value), m.headers.error])).toEqual(
      expect.arrayContaining([
        ['not json', expect.stringMatching(/^not JSON/)],
        ['{"symbol":"MSFT","time":1773156600000,"price":0}', 'price must be a positive number'],
      ]),
    );
    expect(await topicSize(kafka(), topic)).toBe(2);
  });

  it('flushes and exits 0 on SIGTERM, with every counted tick in the topic', async () => {
    const topic = uniqueName('prices_sigterm');
    const run = startCli(produceArgs(topic, '--source', 'synthetic', '--rate', '2000'), { cwd });
    await waitFor(async () => (await topicSize(kafka(), topic)) >= 500, 'ticks in the topic', 30_000);
    expect((await run.stop('SIGTERM')).code).toBe(0);
    const summary = JSON.parse(run.stdout()) as { published: number; stoppedBy: string };
    expect(summary.stoppedBy).toBe('signal');
    expect(summary.published).toBeGreaterThanOrEqual(500);
    expect(await topicSize(kafka(), topic)).toBe(summary.published);
  });

  it('names the broker and exits 1 when Kafka cannot be reached within --connect-timeout', async () => {
    const began = Date.now();
    const result = await runCli(
      ['produce', '--source', 'synthetic', '--brokers', '127.0.0.1:1', '--connect-timeout', '2s', '--limit', '1'],
      { cwd, timeoutMs: 60_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Kafka: cannot reach 127\.0\.0\.1:1 \(connection refused: nothing listens there\)/);
    expect(Date.now() - began).toBeLessThan(10_000); // the deadline holds even though kafkajs retries inside connect()
  });

  it('rejects bad flags with exit 2 before connecting', async () => {
    const symbols = await runCli(['produce', '--symbols', 'AAPL,,$$'], { cwd });
    expect(symbols.code).toBe(2);
    expect(symbols.stderr).toContain('--symbols: entry 2 is empty');
    const replay = await runCli(['produce', '--source', 'replay'], { cwd });
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain('--source replay needs a file');
    const record = await runCli(
      [
        'produce',
        '--source',
        'synthetic',
        '--brokers',
        brokers(),
        '--record',
        join(cwd, 'missing-dir', 'x.ndjson'),
        '--limit',
        '1',
      ],
      { cwd },
    );
    expect(record.code).toBe(2);
    expect(record.stderr).toContain('--record: cannot write');
  });
});
