/**
 * `stockstream tail` against the real Kafka: each range and filter returns exactly the records
 * written there, read_committed hides an aborted transaction, dead letters show why and where from,
 * no consumer group ends up with committed offsets, and `| head` and Ctrl-C end it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deadLetter } from '../../src/consume/dead-letter.ts';
import { encodeRecord, encodeTick, type Bar, type Tick } from '../../src/model.ts';
import { barText } from '../../src/display/records.ts';
import { BIN, cleanEnv, startCli } from '../support/cli.ts';
import { startProcess } from '../support/process.ts';
import { createTopic, testKafkaClient } from '../support/services.ts';
import { runInPty } from '../watch/support.ts';
import { ndjson, opsSuite, writeDeadLetter, writeRecords, type OpsSuite, type Written } from './support.ts';

interface Line {
  partition: number;
  offset: string;
  key: string | null;
  timestamp: string;
  headers: Record<string, string>;
  kind: string;
  value: Record<string, unknown> | string | null;
  deadLetter?: {
    reason: string;
    stage: string;
    topic: string;
    partition: number;
    offset: string;
    bytes: number;
    valueBase64: string;
  };
}

const NOW = Date.now();
const OLD = NOW - 2 * 3_600_000;
const RECENT = NOW - 5 * 60_000;

function tick(symbol: string, i: number): Tick {
  return {
    symbol,
    time: Date.UTC(2026, 2, 2, 14, 30) + i * 1000,
    price: 100 + i,
    dayVolume: 1000 * i,
    previousClose: 100,
    source: 'test',
  };
}

/** The (partition, offset) pairs of lines, sorted: what a range or filter must return exactly. */
function positions(lines: Array<{ partition: number; offset: string | number }>): string[] {
  return lines.map((line) => `${line.partition}@${line.offset}`).sort();
}

describe('stockstream tail', () => {
  let suite: OpsSuite;
  let prices: Array<Written & { offset: number }>;

  beforeAll(async () => {
    suite = opsSuite('tail');
    const topic = await createTopic(suite.config.kafka.topics.prices, 3);
    const plan: Array<[string, number, number]> = [
      ['AAPL', 0, OLD],
      ['MSFT', 1, OLD],
      ['AAPL', 2, OLD],
      ['NVDA', 2, OLD],
      ['AAPL', 0, RECENT],
      ['MSFT', 1, RECENT],
      ['NVDA', 2, RECENT],
      ['AAPL', 0, RECENT],
      ['MSFT', 0, RECENT],
    ];
    prices = await writeRecords(
      plan.map(([symbol, partition, timestamp], i) => ({
        topic,
        partition,
        key: symbol,
        value: encodeTick(tick(symbol, i)),
        timestamp,
        headers: { schema: 'tick.v1' },
      })),
    );
  });

  it('--from-beginning --no-follow returns every record, with partition, offset, key, headers and timestamp', async () => {
    const result = await suite.cli(['--json', 'tail', '--from-beginning', '--no-follow']);
    expect(result.code, result.stderr).toBe(0);
    const lines = ndjson<Line>(result.stdout);
    expect(positions(lines)).toEqual(positions(prices));
    const first = lines.find((line) => line.partition === 1 && line.offset === '0')!;
    expect(first).toMatchObject({
      key: 'MSFT',
      kind: 'tick',
      headers: { schema: 'tick.v1' },
      timestamp: new Date(OLD).toISOString(),
      value: { symbol: 'MSFT', price: 101 },
    });
  });

  it('without a start or --follow (a pipe) it reads what is there, from the beginning', async () => {
    const result = await suite.cli(['--json', 'tail']);
    expect(result.code, result.stderr).toBe(0);
    expect(positions(ndjson<Line>(result.stdout))).toEqual(positions(prices));
  });

  it('--symbol filters by key across partitions', async () => {
    const lines = ndjson<Line>((await suite.cli(['--json', 'tail', '--symbol', 'aapl,nvda'])).stdout);
    expect(positions(lines)).toEqual(positions(prices.filter((p) => p.key === 'AAPL' || p.key === 'NVDA')));
  });

  it('--since a duration starts at the first record at or after that time', async () => {
    const lines = ndjson<Line>((await suite.cli(['--json', 'tail', '--since', '30m'])).stdout);
    expect(positions(lines)).toEqual(positions(prices.filter((p) => p.timestamp === RECENT)));
  });

  it('--since a time does the same', async () => {
    const lines = ndjson<Line>(
      (await suite.cli(['--json', 'tail', '--since', new Date(RECENT - 1000).toISOString()])).stdout,
    );
    expect(positions(lines)).toEqual(positions(prices.filter((p) => p.timestamp === RECENT)));
  });

  it('--partition with --offset starts there, in that partition only', async () => {
    const lines = ndjson<Line>((await suite.cli(['--json', 'tail', '--partition', '0', '--offset', '1'])).stdout);
    expect(positions(lines)).toEqual(positions(prices.filter((p) => p.partition === 0 && p.offset >= 1)));
  });

  it('a negative --offset takes that many from the end of each partition', async () => {
    const lines = ndjson<Line>((await suite.cli(['--json', 'tail', '--offset', '-1'])).stdout);
    const last = [0, 1, 2].map((partition) => prices.filter((p) => p.partition === partition).at(-1)!);
    expect(positions(lines)).toEqual(positions(last));
  });

  it('--count ends after that many matching records, in offset order within a partition', async () => {
    const lines = ndjson<Line>(
      (await suite.cli(['--json', 'tail', '--partition', '0', '--from-beginning', '--count', '2', '--symbol', 'AAPL']))
        .stdout,
    );
    expect(positions(lines)).toEqual(
      positions(prices.filter((p) => p.partition === 0 && p.key === 'AAPL').slice(0, 2)),
    );
  });

  it('human lines are watch line mode lines', async () => {
    const result = await suite.cli(['tail', '--partition', '1', '--count', '1', '--from-beginning']);
    expect(result.stdout).toBe('tick      MSFT 2026-03-02T14:30:01.000Z last=101.00 chg=+1.00 chg%=+1.00 vol=1000\n');
  });

  it('bad flags are one usage line with exit 2', async () => {
    const both = await suite.cli(['tail', '--from-beginning', '--since', '10m']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--from-beginning and --since both say where to start/);
    const offset = await suite.cli(['tail', '--offset', '3']);
    expect(offset.code).toBe(2);
    expect(offset.stderr).toMatch(/add --partition/);
    const partition = await suite.cli(['tail', '--partition', '7']);
    expect(partition.code).toBe(2);
    expect(partition.stderr).toMatch(/has partitions 0–2/);
    const missing = await suite.cli(['tail', 'no_such_topic_here']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/topic no_such_topic_here does not exist/);
    expect(missing.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('reads bars, indicators and alerts topics by name, in the console sink line format', async () => {
    const topic = await createTopic(suite.config.kafka.topics.bars, 1);
    const bar: Bar = {
      symbol: 'AAPL',
      interval: '1m',
      start: Date.UTC(2026, 2, 2, 14, 30),
      end: Date.UTC(2026, 2, 2, 14, 31),
      open: 1,
      high: 2,
      low: 0.5,
      close: 1.5,
      volume: 10,
      vwap: 1.2,
      ticks: 3,
      final: true,
    };
    await writeRecords([{ topic, partition: 0, key: 'AAPL', value: encodeRecord(bar), headers: { schema: 'bar.v1' } }]);
    const result = await suite.cli(['tail', 'bars']);
    expect(result.stdout).toBe(`${barText(bar)}\n`);
  });

  it('never shows the records of an aborted transaction (read_committed), and a range ending in a marker ends', async () => {
    const topic = await createTopic(`${suite.name}_tx`, 1);
    const producer = testKafkaClient().producer({
      transactionalId: `${suite.name}_tx`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const aborted = await producer.transaction();
      await aborted.send({
        topic,
        messages: [
          { key: 'AAPL', value: 'aborted-1' },
          { key: 'AAPL', value: 'aborted-2' },
        ],
      });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ key: 'AAPL', value: 'committed-1' }] });
      await committed.commit();
    } finally {
      await producer.disconnect();
    }
    const result = await suite.cli(['--json', 'tail', topic]);
    expect(result.code, result.stderr).toBe(0);
    expect(ndjson<Line>(result.stdout).map((line) => line.value)).toEqual(['committed-1']);
  });

  it('tail dlq shows the reason, stage and origin, and the original bytes escaped and truncated', async () => {
    const dlq = await createTopic(`${suite.config.kafka.topics.prices}.dlq`, 1);
    const poison = Buffer.concat([Buffer.from('{"v":1,\n\x1b[2J'), Buffer.alloc(300, 0x41)]);
    const original = { key: Buffer.from('AAPL'), value: poison, offset: '42', headers: {} } as never;
    const letter = deadLetter(
      dlq,
      suite.config.kafka.topics.prices,
      2,
      original,
      'decode',
      'not JSON: Unexpected token',
    );
    await writeDeadLetter(letter);
    const human = await suite.cli(['tail', 'dlq']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`dlq       decode      AAPL`);
    expect(human.stdout).toContain(
      `from=${suite.config.kafka.topics.prices}/2@42 reason="not JSON: Unexpected token" value={"v":1,\\n\\x1b[2JAAAA`,
    );
    expect(human.stdout).toContain('… (312 bytes)');
    expect(human.stdout).not.toContain('\x1b');
    const [json] = ndjson<Line>((await suite.cli(['--json', 'tail', 'dlq'])).stdout);
    expect(json!.deadLetter).toMatchObject({
      reason: 'not JSON: Unexpected token',
      stage: 'decode',
      topic: suite.config.kafka.topics.prices,
      partition: 2,
      offset: '42',
      bytes: 312,
    });
    expect(Buffer.from(json!.deadLetter!.valueBase64, 'base64').equals(poison)).toBe(true);
  });

  it('leaves no consumer group with committed offsets on the topic', async () => {
    await suite.cli(['tail', '--count', '1']);
    const admin = testKafkaClient().admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      for (const { groupId } of groups) {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [suite.config.kafka.topics.prices] });
        expect(
          offsets!.partitions.every((p) => p.offset === '-1'),
          groupId,
        ).toBe(true);
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('--follow prints new records; piped into head it ends quietly with 0 once head is gone', async () => {
    // A real OS pipe between the CLI and head, as a shell makes it; PIPESTATUS gives the CLI's exit code.
    const script = '"$0" "$1" --config "$2" tail --follow | head -n 1; echo "codes ${PIPESTATUS[*]}"';
    const shell = startProcess('bash', ['-c', script, process.execPath, BIN, suite.configPath], { env: cleanEnv() });
    const done = shell.exited;
    // Following starts at the end: keep writing until head got a line and the CLI met the closed pipe.
    let finished = false;
    void done.then(() => (finished = true));
    for (let i = 100; !finished; i++) {
      await writeRecords([
        { topic: suite.config.kafka.topics.prices, partition: 1, key: 'MSFT', value: encodeTick(tick('MSFT', i)) },
      ]);
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    expect(shell.stdout()).toMatch(/^tick {6}MSFT .*\ncodes 0 0\n$/);
    expect(shell.stderr()).toBe('');
  });

  it('on a terminal it follows by default, from the end: only new records', async () => {
    const run = runInPty(['--config', suite.configPath, 'tail', '--symbol', 'NVDA']);
    // Keep writing until the reader is in place and a new record shows (following starts at the end).
    for (let i = 200; !/NVDA 2026-03-02T14:3/.test(run.output()); i++) {
      await writeRecords([
        { topic: suite.config.kafka.topics.prices, partition: 2, key: 'NVDA', value: encodeTick(tick('NVDA', i)) },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // The NVDA records written before it started (ticks 3 and 6) are not shown.
    expect(run.output()).not.toMatch(/14:30:0[36]\.000Z/);
    run.signal('SIGINT');
    expect((await run.exit).code).toBe(130);
  });

  it('ends at once on Ctrl-C while following', async () => {
    const run = startCli(['--config', suite.configPath, 'tail', '--follow', '--from-beginning']);
    await run.waitForStdout((stdout) => stdout !== '', 'the first record');
    expect((await run.stop('SIGINT')).code).toBe(130);
    expect(run.stdout()).toMatch(/^tick /);
  });
});
