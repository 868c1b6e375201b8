/**
 * `stockstream status` against the real Kafka and InfluxDB: the lag it reports is the group's
 * committed offsets against the topic's end, it turns unhealthy (exit 1) when the consumer stops
 * and healthy (exit 0) again when it is back; dead letters in the last minute and bars that stopped
 * while ticks arrive are unhealthy too.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/checks.ts';
import { deadLetter } from '../../src/consume/dead-letter.ts';
import { encodeTick, type Bar, type Tick } from '../../src/model.ts';
import { createLineEncoder } from '../../src/sinks/influx/line-protocol.ts';
import type { StatusFacts } from '../../src/status/gather.ts';
import { startConsumer, type ConsumerProcess } from '../consume/support/consumer-process.ts';
import { groupProgress } from '../consume/support/suite.ts';
import { waitFor } from '../support/wait.ts';
import { runInPty } from '../watch/support.ts';
import { createTopic, testInflux, type TestInflux } from '../support/services.ts';
import { opsSuite, watchStatus, writeDeadLetter, writeRecords, type OpsSuite } from './support.ts';

interface Report {
  healthy: boolean;
  checks: CheckResult[];
  facts: StatusFacts;
}

function tick(symbol: string, i: number): Tick {
  return { symbol, time: Date.now() - 60_000 + i, price: 100 + i, dayVolume: 1000 + i, source: 'test' };
}

async function status(suite: OpsSuite): Promise<Report & { code: number | null }> {
  const result = await suite.cli(['--json', 'status']);
  // Exit 1 is "unhealthy" with a report; without one on stdout it was an error, which stderr says.
  if ((result.code !== 0 && result.code !== 1) || result.stdout.trim() === '')
    throw new Error(`status exited ${result.code} without a report: ${result.stderr}`);
  return { ...(JSON.parse(result.stdout) as Report), code: result.code };
}

function check(report: Report, service: string): CheckResult {
  return report.checks.find((c) => c.service === service)!;
}

describe('stockstream status', () => {
  let suite: OpsSuite;
  let consumer: ConsumerProcess | undefined;
  let written = 0;
  const produceTicks = async (n: number) => {
    const topic = suite.config.kafka.topics.prices;
    await writeRecords(
      Array.from({ length: n }, (_, i) => ({
        topic,
        partition: (written + i) % 2,
        key: (written + i) % 2 ? 'MSFT' : 'AAPL',
        value: encodeTick(tick((written + i) % 2 ? 'MSFT' : 'AAPL', written + i)),
      })),
    );
    written += n;
  };

  beforeAll(async () => {
    // The file sink: this suite judges Kafka; the bars check has its own suite below.
    suite = opsSuite('status', (dir) => ({
      sinks: { enabled: ['file'], file: { path: join(dir, 'outputs.ndjson') } },
    }));
    await createTopic(suite.config.kafka.topics.prices, 2);
    await createTopic(`${suite.config.kafka.topics.prices}.dlq`, 2);
  });

  afterAll(async () => {
    await consumer?.stop('SIGKILL');
  });

  it('reports lag from the committed offsets, unhealthy without a consumer, healthy with one, and flips back', async () => {
    await produceTicks(10);
    const before = await status(suite);
    expect(before.code).toBe(1);
    expect(check(before, 'Consumer group')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/has no members/),
    });
    expect(before.facts.group.partitions.map((p) => [p.partition, p.committed, p.lag])).toEqual([
      [0, null, 5],
      [1, null, 5],
    ]);

    consumer = await startConsumer(suite.configPath);
    const healthy = await waitFor(async () => {
      const report = await status(suite);
      return report.code === 0 && report.facts.group.totalLag === 0 ? report : undefined;
    }, 'status to report healthy and caught up with the consumer running');
    expect(healthy.healthy).toBe(true);
    expect(healthy.facts.group.members).toHaveLength(1);
    expect(healthy.facts.group.members[0]!.partitions).toEqual([0, 1]);

    await consumer.stop();
    consumer = undefined;
    await produceTicks(3);
    const stopped = await status(suite);
    expect(stopped.code).toBe(1);
    expect(check(stopped, 'Consumer group').ok).toBe(false);
    const progress = await groupProgress(suite.config.kafka.groupId, suite.config.kafka.topics.prices);
    expect(
      stopped.facts.group.partitions.map((p) => ({
        partition: p.partition,
        committed: p.committed,
        end: p.end,
        lag: p.lag,
      })),
    ).toEqual(
      progress.map((p) => ({ partition: p.partition, committed: p.committed, end: p.end, lag: p.end - p.committed })),
    );
    expect(stopped.facts.group.totalLag).toBe(3);

    consumer = await startConsumer(suite.configPath);
    const back = await waitFor(async () => {
      const report = await status(suite);
      return report.code === 0 && report.facts.group.totalLag === 0 ? report : undefined;
    }, 'status to report healthy and caught up again after the restart');
    expect(back.facts.group.lastCommitAt).toBeGreaterThanOrEqual(stopped.facts.at);
    await consumer.stop();
    consumer = undefined;
  });

  it('human output is doctor-style lines with the fix, and the per-partition lag', async () => {
    const result = await suite.cli(['status']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^status at .*: unhealthy\n/);
    expect(result.stdout).toMatch(/✖ Consumer group .* has no members/);
    expect(result.stdout).toMatch(/→ start `stockstream consume`/);
    expect(result.stdout).toMatch(/\n {4}p0 committed \d+ end \d+ lag 0\n {4}p1 committed \d+ end \d+ lag 0\n/);
  });

  it('--watch refreshes until Ctrl-C and exits with the last verdict', async () => {
    const watch = watchStatus(suite);
    await watch.waitForReports(2, 'two refreshes', 30_000);
    expect(await watch.interrupt()).toBe(1);
    const reports = watch.reports<Report>();
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.every((report) => report.healthy === false)).toBe(true);
  });

  it('--watch on a terminal redraws the screen in place', async () => {
    const run = runInPty(['--config', suite.configPath, 'status', '--watch', '--interval', '1s']);
    await run.waitFor((output) => output.split('\x1b[H\x1b[2J').length > 2, 'a second refresh', 30_000);
    const screens = run.output().split('\x1b[H\x1b[2J').slice(1);
    for (const screen of screens.slice(0, 2)) expect(screen).toMatch(/^status at .*: unhealthy\r?\n/);
    run.signal('SIGINT');
    expect((await run.exit).code).toBe(1);
  });
});

describe('stockstream status: dead letters and bars', () => {
  let suite: OpsSuite;
  let influx: TestInflux;

  async function writeBar(interval: string, start: number): Promise<void> {
    const bar: Bar = {
      symbol: 'AAPL',
      interval,
      start,
      end: start + 60_000,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 1,
      vwap: 1,
      ticks: 1,
      final: true,
    };
    const line = createLineEncoder(suite.config.influx.measurements).line({ kind: 'bar', bar })!;
    const url = new URL('/api/v2/write', influx.url);
    url.search = new URLSearchParams({ org: influx.org, bucket: influx.bucket, precision: 'ms' }).toString();
    const response = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Token ${influx.token}` },
      body: line,
    });
    expect(response.status).toBe(204);
  }

  beforeAll(async () => {
    influx = await testInflux();
    // The influx sink on, with the suite's own bucket: the bars check reads where consume would write.
    suite = opsSuite('status_bars', {
      sinks: { enabled: ['influx'] },
      influx: { url: influx.url, token: influx.token, org: influx.org, bucket: influx.bucket },
    });
    await createTopic(suite.config.kafka.topics.prices, 1);
    await createTopic(`${suite.config.kafka.topics.prices}.dlq`, 1);
  });

  it('a dead letter in the last minute is unhealthy, with its stage and reason', async () => {
    const dlq = `${suite.config.kafka.topics.prices}.dlq`;
    const letter = deadLetter(
      dlq,
      suite.config.kafka.topics.prices,
      0,
      { key: Buffer.from('AAPL'), value: Buffer.from('{bad'), offset: '7', headers: {} } as never,
      'decode',
      'not JSON: bad',
    );
    await writeDeadLetter(letter);
    const report = await status(suite);
    expect(check(report, 'Dead letters')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /1 dead letters, 1 in the last minute; last by stage: decode \d+s ago: not JSON: bad/,
      ),
    });
    expect(report.facts.dlq.lastByStage).toMatchObject([{ stage: 'decode', reason: 'not JSON: bad' }]);
  });

  it('bars older than their interval plus the lateness while ticks arrive are unhealthy; fresh bars are not', async () => {
    const hourAgo = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
    await writeBar('1m', hourAgo);
    await writeBar('5m', hourAgo);
    await writeRecords([
      { topic: suite.config.kafka.topics.prices, partition: 0, key: 'AAPL', value: encodeTick(tick('AAPL', 0)) },
    ]);
    const stale = await status(suite);
    expect(stale.facts.bars).toEqual([
      { interval: '1m', start: hourAgo },
      { interval: '5m', start: hourAgo },
    ]);
    expect(check(stale, 'InfluxDB bars')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/no 1m\/5m bar newer than its interval plus windows.allowedLateness 5s/),
    });

    const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
    await writeBar('1m', minuteStart - 60_000);
    await writeBar('5m', Math.floor(Date.now() / 300_000) * 300_000);
    const fresh = await status(suite);
    expect(check(fresh, 'InfluxDB bars').ok, check(fresh, 'InfluxDB bars').detail).toBe(true);
  });
});
