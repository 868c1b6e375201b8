/**
 * Both `kafka.processingGuarantee` modes, in-process against the real Kafka: the kafka sink's bars
 * and the dead letters reach their topics, and the offsets are committed — through the checkpoint
 * transaction (exactly-once, the default) or the consumer commit (at-least-once). The fault tests
 * cover what happens when things break; this proves the mode users can switch to works at all.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.ts';
import { runConsume } from '../../src/consume/engine.ts';
import { dlqTopic } from '../../src/kafka/topics.ts';
import { createSinks } from '../../src/sinks/index.ts';
import { kafkaSpec } from '../../src/sinks/kafka/spec.ts';
import { createLogger } from '../../src/ui/logger.ts';
import { createOutput } from '../../src/ui/output.ts';
import { createWindowPipeline } from '../../src/windows/index.ts';
import { readAtLeast } from './support/kafka-outputs.ts';
import { waitFor } from '../support/wait.ts';
import { createSuite, groupProgress, produce } from './support/suite.ts';
import { canonicalBar, expectedResults, sortResults, tickMessages, tickStream } from './support/ticks.ts';
import type { Bar } from '../../src/model.ts';

const POISON = ['not json', '{"v":1}', 'null'];

describe.each(['exactly-once', 'at-least-once'] as const)('kafka.processingGuarantee %s', (guarantee) => {
  it('writes every final bar and dead letter once and commits the end of the topic', { timeout: 120_000 }, async () => {
    const suite = await createSuite(`guarantee_${guarantee.replace(/-/g, '_')}`, { sinks: { enabled: ['kafka'] } });
    // The setting this test is about (the suite config has the default, exactly-once).
    const config: Config = { ...suite.config, kafka: { ...suite.config.kafka, processingGuarantee: guarantee } };
    const ticks = tickStream({ seed: 5, symbols: ['AAPL', 'MSFT'], minutes: 12 });
    const expected = expectedResults(config.windows, ticks);
    const messages = tickMessages(ticks);
    POISON.forEach((value, i) =>
      messages.splice(Math.floor(((i + 1) * messages.length) / (POISON.length + 1)), 0, { key: 'AAPL', value }),
    );
    const topic = config.kafka.topics.prices;
    await produce(topic, messages);

    const logger = createLogger({ quiet: true });
    const controller = new AbortController();
    const done = runConsume(config, {
      logger,
      signal: controller.signal,
      sinkTopics: kafkaSpec.topics(config),
      createPipeline: () => createWindowPipeline(config.windows),
      createSinks: (publisher) =>
        createSinks(config, { logger, json: false, out: createOutput(false), tty: false, publisher }),
    });
    let failure: unknown;
    done.catch((error: unknown) => void (failure = error));
    let bars: Bar[];
    try {
      await waitFor(
        async () => {
          if (failure !== undefined) throw failure;
          const progress = await groupProgress(config.kafka.groupId, topic);
          return progress.every((p) => p.committed === p.end || p.end === 0) ? true : undefined;
        },
        'the end of every partition committed',
        90_000,
      );
      // The last bar of each symbol closes by the idle timer once the consumer is caught up.
      bars = (await readAtLeast(config.kafka.topics.bars, expected.bars.length)).map((value) =>
        canonicalBar(JSON.parse(value) as Bar),
      );
    } finally {
      controller.abort();
    }
    await done;

    const key = (bar: Bar) => `${bar.symbol} ${bar.interval} ${bar.start}`;
    expect(new Set(bars.map(key)).size, 'each bar once').toBe(bars.length);
    // The idle timer also closes each symbol's last window, which the reference leaves open.
    const wanted = new Set(expected.bars.map(key));
    expect(sortResults({ bars: bars.filter((bar) => wanted.has(key(bar))), indicators: [], alerts: [] }).bars).toEqual(
      expected.bars,
    );
    expect((await readAtLeast(dlqTopic(topic), POISON.length)).sort()).toEqual([...POISON].sort());
  });
});
