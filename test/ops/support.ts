/**
 * Shared pieces of the `tail`, `status` and `dlq` tests: a config file with the suite's own topics
 * (everything else the shipped defaults), records written with chosen partitions, keys and
 * timestamps, and the built CLI run with that config.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IHeaders } from 'kafkajs';
import type { OutgoingMessage } from '../../src/kafka/publisher.ts';
import { configSchema, type Config, type UserConfig } from '../../src/config/schema.ts';
import { runCli, startCli, type CliResult } from '../support/cli.ts';
import { testKafka, testKafkaClient, uniqueName } from '../support/services.ts';
import { suiteTopics } from '../support/topics.ts';

export interface OpsSuite {
  name: string;
  dir: string;
  configPath: string;
  userConfig: UserConfig;
  config: Config;
  cli(args: string[], timeoutMs?: number): Promise<CliResult>;
}

/** Only where the suite's servers and topics are; `extra` for the settings a test is about (say why at the call). */
export function opsSuite(prefix: string, settings: UserConfig | ((dir: string) => UserConfig) = {}): OpsSuite {
  const name = uniqueName(prefix);
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const extra = typeof settings === 'function' ? settings(dir) : settings;
  const userConfig: UserConfig = {
    ...extra,
    kafka: {
      brokers: testKafka(),
      groupId: `${name}_group`,
      topics: suiteTopics(name),
      ...extra.kafka,
    },
  };
  const configPath = join(dir, 'stockstream.config.json');
  writeFileSync(configPath, JSON.stringify(userConfig, null, 2));
  return {
    name,
    dir,
    configPath,
    userConfig,
    config: configSchema.parse(userConfig),
    cli: (args, timeoutMs = 60_000) => runCli(['--config', configPath, ...args], { timeoutMs }),
  };
}

export interface Written {
  topic: string;
  partition: number;
  key: string | null;
  value: string | Buffer | null;
  timestamp?: number;
  headers?: IHeaders;
}

/** Writes the records in order, each to its partition; returns them with the offsets they got. */
export async function writeRecords(records: Written[]): Promise<Array<Written & { offset: number }>> {
  const producer = testKafkaClient().producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const written: Array<Written & { offset: number }> = [];
  try {
    for (const record of records) {
      const [meta] = await producer.send({
        topic: record.topic,
        acks: -1,
        messages: [
          {
            partition: record.partition,
            key: record.key,
            value: record.value,
            headers: record.headers,
            timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
          },
        ],
      });
      written.push({ ...record, offset: Number(meta!.baseOffset) });
    }
  } finally {
    await producer.disconnect();
  }
  return written;
}

/** NDJSON stdout as objects. */
export function ndjson<T = Record<string, unknown>>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Writes a dead letter made by consume's own `deadLetter` into partition 0 of its topic. */
export async function writeDeadLetter(letter: OutgoingMessage): Promise<void> {
  const { topic, key, value, headers } = letter;
  if (topic === undefined) throw new Error('a dead letter names its topic');
  await writeRecords([{ topic, partition: 0, key, value, headers }]);
}

/** `status --watch --json` running in the background: its NDJSON reports so far, and how it ended. */
export interface StatusWatch {
  stdout(): string;
  reports<T>(): T[];
  /** Waits until `count` whole reports arrived; fails early, with both outputs, if the run exits first. */
  waitForReports(count: number, what: string, timeoutMs: number): Promise<void>;
  /** Ctrl-C; resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

export function watchStatus(suite: OpsSuite, intervalArg = '1s'): StatusWatch {
  const run = startCli(['--config', suite.configPath, '--json', 'status', '--watch', '--interval', intervalArg]);
  // Whole lines only: the last one may still be arriving.
  const whole = (stdout: string) => stdout.slice(0, stdout.lastIndexOf('\n') + 1);
  return {
    stdout: () => run.stdout(),
    reports: <T>() => ndjson<T>(whole(run.stdout())),
    waitForReports: (count, what, timeoutMs) =>
      run.waitForStdout((stdout) => ndjson(whole(stdout)).length >= count, what, timeoutMs),
    async interrupt() {
      return (await run.stop('SIGINT')).code;
    },
  };
}
