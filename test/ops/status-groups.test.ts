/**
 * `status --watch` reads the records behind its verdict (the oldest waiting tick, the latest dead
 * letters and checkpoint) with the range reader, which needs a consumer group of its own (kafkajs
 * has no assign()). A refresh every second must not leave a group behind every second: the
 * broker would list them until its offsets retention cleanup, minutes later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTick } from '../../src/model.ts';
import type { StatusFacts } from '../../src/status/gather.ts';
import { createTopic, testKafkaClient } from '../support/services.ts';
import { opsSuite, watchStatus, writeRecords, type OpsSuite } from './support.ts';

describe('stockstream status --watch', () => {
  let suite: OpsSuite;

  beforeAll(async () => {
    // kafka.clientId names the reader groups: this suite's own, so another suite's reader running
    // at the same time is not counted as ours.
    suite = opsSuite('status_groups', (dir) => ({
      kafka: { clientId: `status-groups-${dir.slice(-6)}` },
      sinks: { enabled: ['file'], file: { path: `${dir}/outputs.ndjson` } },
    }));
    await createTopic(suite.config.kafka.topics.prices, 2);
    // Ticks nobody consumed: every refresh reads the oldest waiting one of each partition.
    const topic = suite.config.kafka.topics.prices;
    await writeRecords(
      Array.from({ length: 6 }, (_, i) => ({
        topic,
        partition: i % 2,
        key: 'AAPL',
        value: encodeTick({ symbol: 'AAPL', time: Date.now() - 60_000 + i, price: 100 + i, source: 'test' }),
      })),
    );
  });

  afterAll(async () => {
    const admin = testKafkaClient().admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [suite.config.kafka.topics.prices] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('leaves no consumer group behind after several refreshes', async () => {
    const watch = watchStatus(suite);
    await watch.waitForReports(3, 'three refreshes', 60_000);
    expect(await watch.interrupt()).toBe(1);
    // Each refresh did read records through the range reader (so each had a group to clean up).
    const waiting = watch.reports<{ facts: StatusFacts }>().map((report) => report.facts.group.partitions);
    expect(waiting.every((partitions) => partitions.every((p) => p.oldestWaitingAt !== undefined))).toBe(true);

    const admin = testKafkaClient().admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      const ours = groups.map((group) => group.groupId).filter((id) => id.startsWith(suite.config.kafka.clientId));
      expect(ours).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
