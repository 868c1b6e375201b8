/**
 * The first SIGINT ends a run whose sink (or broker) is down (issue 16, "No hang when a sink is
 * down"): `consume` and `watch --sink` run as child processes of the built CLI against the real
 * servers, one of them really stopped; one SIGINT; the process exits 1 and says how many records it
 * could not write and what that means. For consume the next start writes them (nothing is lost);
 * watch says they are lost. A second SIGINT still exits at once. (Connecting to a broker that does
 * not answer, the first SIGINT exits 130 at once: test/kafka/connect-cli.test.ts.) No timing
 * assertions: the test timeouts are generous, and each step waits for a condition.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startConsumer, waitForMetric } from '../consume/support/consumer-process.ts';
import { startCli } from '../support/cli.ts';
import type { Exit, RunningProcess } from '../support/process.ts';
import { waitFor } from '../support/wait.ts';
import { produce, type ConsumeSuite } from '../consume/support/suite.ts';
import { tickMessages } from '../consume/support/ticks.ts';
import { FIXTURE } from '../watch/support.ts';
import { dropMade, faultSuite } from './support/cleanup.ts';
import { waitForAllCommitted } from './support/progress.ts';
import { readBack } from './support/read-back.ts';
import { allUp, startServer, stopServer } from './support/servers.ts';
import { session } from './support/session.ts';

const running: RunningProcess[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
  await allUp();
});
afterAll(async () => {
  await allUp();
  await dropMade();
});

const streamOf = (seed: number) => session({ seed, symbols: ['AAPL', 'MSFT', 'NVDA'], minutes: 30 });

/** Sends one SIGINT and waits for the exit (within the test's timeout: no timing assertion). */
function interrupt(child: RunningProcess): Promise<Exit> {
  return child.stop('SIGINT');
}

/** The count a stop reported for one queue: "… 1,234 records not written (influx 1,234) …". */
function unwrittenOf(stderr: string, sink: string): number {
  const match = new RegExp(`(\\d[\\d,]*) records? not written \\(([^)]*)\\)`).exec(stderr);
  expect(match, `no "records not written" line in:\n${stderr}`).not.toBeNull();
  const entry = match![2]!.split(', ').find((part) => part.startsWith(`${sink} `));
  expect(entry, `no ${sink} count in "${match![0]}"`).toBeDefined();
  return Number(entry!.slice(sink.length + 1).replaceAll(',', ''));
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

/** Runs a fresh consumer of the suite until every offset is committed, then stops it cleanly. */
async function consumeToTheEnd(suite: ConsumeSuite): Promise<void> {
  const consumer = await startConsumer(suite.configPath);
  running.push(consumer);
  await waitForAllCommitted(suite, consumer, 'the next start to commit everything');
  expect(await consumer.stop('SIGTERM'), consumer.stderr()).toEqual({ code: 0, signal: null });
}

describe('consume: the first SIGINT while a server is down', () => {
  it(
    'InfluxDB stopped, fetching paused by a full buffer: exits 1 with the count, and the next start writes it',
    { timeout: 300_000 },
    async () => {
      // Small sink buffers (the setting this test is about): the InfluxDB buffer fills and fetching
      // pauses, the "paused by backpressure" state. The file sink takes the same records as InfluxDB
      // and keeps writing: its lines are the count InfluxDB could not write.
      const suite = await faultSuite('stop_influx', {
        sinks: { enabled: ['influx', 'file'], batchSize: 500, maxBuffered: 2_000 },
      });
      const stream = streamOf(11);
      const ticks = stream.all;
      await produce(suite.config.kafka.topics.prices, tickMessages(ticks));
      await stopServer('influx');
      const consumer = await startConsumer(suite.configPath);
      running.push(consumer);
      await waitForMetric(consumer, 'stockstream_sink_retries_total', 2);
      await waitForMetric(consumer, 'stockstream_consumer_paused', 1);

      const exit = await interrupt(consumer);
      const stderr = consumer.stderr();
      expect(exit, stderr).toEqual({ code: 1, signal: null });
      expect(stderr).toMatch(/stopped with [\d,]+ records? not written \(influx [\d,]+\)/);
      expect(stderr).toMatch(/their offsets were not committed, so the next start reads and writes them again/);
      expect(unwrittenOf(stderr, 'influx')).toBe(lines(suite.config.sinks.file.path).length);

      await startServer('influx');
      await consumeToTheEnd(suite);
      const back = readBack(suite, stream);
      expect(await back.influx()).toEqual(back.expected);
    },
  );

  it(
    'PostgreSQL stopped while its writes are retried: exits 1 with the count, and the next start writes it',
    { timeout: 300_000 },
    async () => {
      const suite = await faultSuite('stop_postgres', { sinks: { enabled: ['postgres'] } });
      const stream = streamOf(12);
      const ticks = stream.all;
      const half = Math.floor(ticks.length / 2);
      const consumer = await startConsumer(suite.configPath);
      running.push(consumer);
      await produce(suite.config.kafka.topics.prices, tickMessages(ticks.slice(0, half)));
      await waitForAllCommitted(suite, consumer, 'the first half committed', 60_000);
      await stopServer('postgres');
      await produce(suite.config.kafka.topics.prices, tickMessages(ticks.slice(half)));
      await waitForMetric(consumer, 'stockstream_sink_retries_total', 1);

      const exit = await interrupt(consumer);
      const stderr = consumer.stderr();
      expect(exit, stderr).toEqual({ code: 1, signal: null });
      expect(unwrittenOf(stderr, 'postgres')).toBeGreaterThan(0);
      expect(stderr).toMatch(/their offsets were not committed, so the next start reads and writes them again/);

      await startServer('postgres');
      await consumeToTheEnd(suite);
      const back = readBack(suite, stream);
      expect(await back.postgres()).toEqual(back.expected);
    },
  );

  it(
    'Kafka stopped with progress not yet committed: exits 1 saying the checkpoint was not committed, and the next start writes it',
    { timeout: 300_000 },
    async () => {
      const suite = await faultSuite('stop_kafka', { sinks: { enabled: ['influx'] } });
      // A checkpoint interval longer than the test (the setting this test is about): what was read
      // is still uncommitted when the broker stops, so the stop has a checkpoint it cannot commit.
      const configPath = join(suite.dir, 'rare-checkpoints.config.json');
      writeFileSync(
        configPath,
        JSON.stringify({ ...suite.userConfig, kafka: { ...suite.userConfig.kafka, checkpointInterval: '1h' } }),
      );
      const stream = streamOf(13);
      const ticks = stream.all;
      await produce(suite.config.kafka.topics.prices, tickMessages(ticks));
      const consumer = await startConsumer(configPath);
      running.push(consumer);
      await waitForMetric(consumer, 'stockstream_ticks_consumed_total', ticks.length);
      await stopServer('kafka');

      const exit = await interrupt(consumer);
      const stderr = consumer.stderr();
      expect(exit, stderr).toEqual({ code: 1, signal: null });
      expect(stderr).toMatch(/stopped before the last checkpoint was committed \(.+\); 0 records not written/);
      expect(stderr).toMatch(/offsets stay at the last commit, so the next start reads from there again/);

      await startServer('kafka');
      await consumeToTheEnd(suite);
      const back = readBack(suite, stream);
      expect(await back.influx()).toEqual(back.expected);
    },
  );
});

describe('watch --sink: the first SIGINT while a sink is down', () => {
  async function watchDir(prefix: string, sinks: string[]) {
    const suite = await faultSuite(prefix, { sinks: { enabled: sinks as never } });
    const config = {
      sinks: { enabled: sinks, file: { path: suite.config.sinks.file.path } },
      influx: suite.userConfig.influx,
      postgres: suite.userConfig.postgres,
    };
    writeFileSync(join(suite.dir, 'stockstream.config.json'), JSON.stringify(config));
    return suite;
  }

  it(
    'InfluxDB stopped: exits 1 saying how many records are lost; a second SIGINT exits at once',
    { timeout: 180_000 },
    async () => {
      // The file sink takes what InfluxDB takes (ticks included) and writes it: its lines are the count.
      const suite = await watchDir('stop_watch_influx', ['influx', 'file']);
      await stopServer('influx');
      const watch = startCli(['watch', '--file', FIXTURE, '--speed', '0', '--sink'], { cwd: suite.dir });
      running.push(watch);
      await watch.waitForStderr(
        /influx: write failed .*; retry \d+ in \d+ms, buffering meanwhile/,
        'an InfluxDB retry',
      );
      await waitForFileLines(suite.config.sinks.file.path);

      const exit = await interrupt(watch);
      const stderr = watch.stderr();
      expect(exit, stderr).toEqual({ code: 1, signal: null });
      expect(stderr).toMatch(/watch --sink: stopped with [\d,]+ records? not written \(influx [\d,]+\): they are lost/);
      expect(unwrittenOf(stderr, 'influx')).toBe(lines(suite.config.sinks.file.path).length);

      // Again, and this time a second SIGINT: it does not wait for the sinks at all.
      const again = startCli(['watch', '--file', FIXTURE, '--speed', '0', '--sink'], { cwd: suite.dir });
      running.push(again);
      await again.waitForStderr(/influx: write failed/, 'an InfluxDB retry');
      again.kill('SIGINT');
      await again.waitForStderr(/SIGINT received/, 'the first SIGINT taken');
      again.kill('SIGINT');
      expect((await again.exited).code).toBe(130);
    },
  );

  it(
    'PostgreSQL stopped while a replay runs: exits 1 saying how many records are lost',
    { timeout: 180_000 },
    async () => {
      const suite = await watchDir('stop_watch_postgres', ['postgres']);
      // Paced (10×): the replay is still running when PostgreSQL stops, after the sink checked its tables.
      const watch = startCli(['watch', '--file', FIXTURE, '--speed', '10', '--sink'], { cwd: suite.dir });
      running.push(watch);
      await watch.waitForStderr(/watch --sink: writing to postgres/, 'watch writing to PostgreSQL');
      await stopServer('postgres');
      await watch.waitForStderr(
        /postgres: write failed .*; retry \d+ in \d+ms, buffering meanwhile/,
        'a PostgreSQL retry',
        90_000,
      );

      const exit = await interrupt(watch);
      const stderr = watch.stderr();
      expect(exit, stderr).toEqual({ code: 1, signal: null });
      expect(stderr).toMatch(
        /watch --sink: stopped with [\d,]+ records? not written \(postgres [\d,]+\): they are lost/,
      );
      expect(unwrittenOf(stderr, 'postgres')).toBeGreaterThan(0);
    },
  );
});

async function waitForFileLines(path: string): Promise<void> {
  await waitFor(() => {
    try {
      return lines(path).length > 0 ? true : undefined;
    } catch {
      return undefined;
    }
  }, `lines in ${path}`);
}
