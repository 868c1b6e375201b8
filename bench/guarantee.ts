/**
 * The cost of `kafka.processingGuarantee`: the same engine with the kafka sink (final bars,
 * indicators, alerts to Kafka) on the same pre-loaded topic, at-least-once and exactly-once
 * alternating in one run so the ratio is fair on a noisy machine.
 *
 * Each timing runs from the engine's first batch until every tick was applied and the stop's final
 * checkpoint committed (exactly-once: its transaction), so the rounds' transactions along the way
 * are inside it. Afterwards a read_committed reader counts the bars topic: it must hold as many
 * bars as the engine closed (exactly-once: exactly; at-least-once: after a clean run, too).
 */
import type { Config, UserConfig } from '../src/config/schema.ts';
import { runConsume } from '../src/consume/engine.ts';
import { createSinks } from '../src/sinks/index.ts';
import { kafkaSpec } from '../src/sinks/kafka/spec.ts';
import { createOutput } from '../src/ui/output.ts';
import { createWindowPipeline } from '../src/windows/index.ts';
import { runBenches, type Bench, type Figure } from './lib/report.ts';
import { median } from './lib/stats.ts';
import { preload, syntheticTicks } from './lib/pipeline.ts';
import {
  benchKafka,
  benchSymbols,
  createTopic,
  deleteKafkaResources,
  envNumber,
  quietLogger,
  runConfig,
  uniqueName,
  waitFor,
} from './lib/services.ts';

const TICKS = envNumber('BENCH_GUARANTEE_TICKS', 300_000);
const RUNS = envNumber('BENCH_GUARANTEE_RUNS', 2);
const SYMBOLS = 500;
const PARTITIONS = 4;
const EVENT_RATE = 1_000;
const RUN_TIMEOUT_MS = Math.max(120_000, TICKS / 5);

type Guarantee = 'at-least-once' | 'exactly-once';

interface GuaranteeTiming {
  ms: number;
  bars: number;
}

function guaranteeConfig(topic: string, group: string, guarantee: Guarantee): Config {
  const patch: UserConfig = { sinks: { enabled: ['kafka'] }, kafka: { processingGuarantee: guarantee } };
  const config = runConfig({ prices: topic, bucket: 'unused', group }, patch);
  // runConfig names only the prices and state topics; each run gets its own output topics.
  Object.assign(config.kafka.topics, {
    bars: `${group}-bars`,
    indicators: `${group}-indicators`,
    alerts: `${group}-alerts`,
  });
  return config;
}

/** Messages a read_committed reader finds in `topic`, once it stopped growing. */
async function committedCount(topic: string, atLeast: number): Promise<number> {
  const consumer = benchKafka().consumer({ groupId: uniqueName('count'), maxWaitTimeInMs: 100 });
  let count = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => void (count += batch.messages.length) });
    await waitFor(`${atLeast} records in ${topic}`, () => (count >= atLeast ? true : undefined), 60_000, 100);
    // Anything beyond would be a duplicate: give it a moment to show up.
    const settled = count;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return Math.max(settled, count);
  } finally {
    await consumer.disconnect();
  }
}

async function timeGuarantee(topic: string, group: string, guarantee: Guarantee): Promise<GuaranteeTiming> {
  const config = guaranteeConfig(topic, group, guarantee);
  const controller = new AbortController();
  let applied = 0;
  let firstBatchAt: number | undefined;
  const done = runConsume(config, {
    logger: quietLogger,
    signal: controller.signal,
    sinkTopics: kafkaSpec.topics(config),
    createPipeline: () => {
      firstBatchAt ??= performance.now();
      const pipeline = createWindowPipeline(config.windows);
      const push = pipeline.push.bind(pipeline);
      pipeline.push = (tick, outputs, arrivalMs) => {
        applied++;
        return push(tick, outputs, arrivalMs);
      };
      return pipeline;
    },
    createSinks: (publisher) =>
      createSinks(config, { logger: quietLogger, json: false, out: createOutput(false), tty: false, publisher }),
  });
  let failure: unknown;
  done.catch((error: unknown) => void (failure = error));
  try {
    await waitFor(
      'every tick applied',
      () => {
        if (failure !== undefined) throw failure;
        return applied >= TICKS ? true : undefined;
      },
      RUN_TIMEOUT_MS,
    );
  } finally {
    controller.abort();
  }
  const summary = await done;
  const ms = performance.now() - firstBatchAt!;
  const stored = await committedCount(config.kafka.topics.bars, summary.bars);
  if (stored !== summary.bars)
    throw new Error(
      `${guarantee}: the bars topic holds ${stored} bars for a read_committed reader, the engine closed ${summary.bars}`,
    );
  return { ms, bars: summary.bars };
}

const rate = (timing: GuaranteeTiming) => (TICKS * 1_000) / timing.ms;

export const guarantee: Bench = {
  name: 'guarantee',
  description: `${TICKS.toLocaleString('en-US')} ticks of ${SYMBOLS} symbols on ${PARTITIONS} partitions through the engine with the kafka sink: kafka.processingGuarantee at-least-once vs exactly-once, ${RUNS} runs each, alternating`,
  async run() {
    const topic = uniqueName('guarantee');
    const groups: string[] = [];
    const topics = [topic];
    try {
      await createTopic(topic, PARTITIONS);
      await preload(
        runConfig({ prices: topic, bucket: 'unused' }),
        syntheticTicks(benchSymbols(SYMBOLS), EVENT_RATE),
        TICKS,
      );
      const timings: Record<Guarantee, GuaranteeTiming[]> = { 'at-least-once': [], 'exactly-once': [] };
      for (let run = 0; run < RUNS; run++) {
        for (const mode of ['at-least-once', 'exactly-once'] as const) {
          const group = uniqueName(mode === 'exactly-once' ? 'eos' : 'alo');
          groups.push(group);
          topics.push(`${group}-bars`, `${group}-indicators`, `${group}-alerts`);
          timings[mode].push(await timeGuarantee(topic, group, mode));
        }
        process.stderr.write(
          `  run ${run + 1}: at-least-once ${Math.round(rate(timings['at-least-once'][run]!))}/s, exactly-once ${Math.round(rate(timings['exactly-once'][run]!))}/s\n`,
        );
      }
      const alo = median(timings['at-least-once'].map(rate));
      const eos = median(timings['exactly-once'].map(rate));
      const ratio = median(
        timings['exactly-once'].map((timing, i) => rate(timing) / rate(timings['at-least-once'][i]!)),
      );
      const bars = timings['exactly-once'][0]!.bars.toLocaleString('en-US');
      return [
        {
          bench: 'guarantee',
          metric: 'at-least-once (kafka sink)',
          value: alo,
          unit: 'ticks/s',
          note: `median of ${RUNS}`,
        },
        {
          bench: 'guarantee',
          metric: 'exactly-once (kafka sink)',
          value: eos,
          unit: 'ticks/s',
          note: `median of ${RUNS}; read_committed count checked: ${bars} bars`,
        },
        {
          bench: 'guarantee',
          metric: 'exactly-once / at-least-once',
          value: ratio,
          unit: '×',
          note: 'median of per-run ratios',
        },
      ] satisfies Figure[];
    } finally {
      await deleteKafkaResources(topics, groups);
    }
  },
};

if (import.meta.main) await runBenches([guarantee]);
