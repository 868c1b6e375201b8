/** `stockstream consume`: ticks from Kafka → windows → sinks, until SIGINT/SIGTERM. */
import { runConsume } from '../../consume/engine.ts';
import { infoTopics, startInfoPersister } from '../../consume/info.ts';
import { UsageError } from '../../errors.ts';
import { sinkNames, type SinkName } from '../../sinks/catalog.ts';
import { createSinks, sinkTopics } from '../../sinks/index.ts';
import { createWindowPipeline } from '../../windows/index.ts';
import type { CommandRun } from '../context.ts';
import { OverrideBuilder, parseList, parseMetricsFlags, setKafkaFlags } from '../../config/overrides.ts';
import type { ConsumeFlags } from './command.ts';

function parseSinks(raw: string): SinkName[] {
  const names = parseList(raw);
  if (names.length === 0)
    throw new UsageError('--sinks is empty', `list sinks, like --sinks influx,console (${sinkNames.join(', ')})`);
  for (const name of names) {
    if (!(sinkNames as readonly string[]).includes(name))
      throw new UsageError(`--sinks: "${name}" is not a sink`, `use ${sinkNames.join(', ')}`);
  }
  return names as SinkName[];
}

export const run: CommandRun<ConsumeFlags> = async (ctx, flags) => {
  const builder = new OverrideBuilder()
    .set('sinks.enabled', flags.sinks === undefined ? undefined : parseSinks(flags.sinks), '--sinks')
    .set('kafka.groupId', flags.group, '--group')
    .set(
      'windows.bars.intervals',
      flags.intervals === undefined ? undefined : parseList(flags.intervals),
      '--intervals',
    )
    .set('sinks.file.path', flags.file, '--file');
  const overrides = setKafkaFlags(builder, flags).build();
  const { metricsPort, metricsHost } = parseMetricsFlags(flags);
  const config = await ctx.loadConfig(overrides);
  const { logger } = ctx;

  logger.info(
    `consuming ${config.kafka.topics.prices} as group ${config.kafka.groupId} → ${config.sinks.enabled.join(', ')}`,
  );
  const summary = await runConsume(config, {
    logger,
    signal: ctx.signal,
    metricsPort,
    metricsHost,
    createPipeline: () => createWindowPipeline(config.windows),
    createSinks: (publisher) =>
      createSinks(config, {
        logger,
        json: ctx.globals.json,
        out: ctx.out,
        tty: Boolean(process.stdout.isTTY),
        publisher,
        signal: ctx.signal,
      }),
    sinkTopics: [...sinkTopics(config), ...(flags.info ? infoTopics(config) : [])],
    onRunning: flags.info ? (running) => startInfoPersister(config, logger, running) : undefined,
  });
  logger.success(
    `stopped after ${Math.round(summary.durationMs / 1_000)}s: ${summary.ticks} ticks, ${summary.bars} bars, ${summary.late} late, ${summary.invalid} invalid, ${summary.deadLetters} to the DLQ`,
    {
      checkpoints: summary.checkpoints,
    },
  );
};
