/** `stockstream produce`: flags → config → the produce pipeline (src/sources/produce.ts) → a summary. */
import { UsageError } from '../../errors.ts';
import { produce, type ProduceSummary } from '../../sources/produce.ts';
import type { CommandRun } from '../context.ts';
import {
  OverrideBuilder,
  parseDurationFlag,
  parseMetricsFlags,
  parseNumber,
  parseOptional as optional,
  parseSymbols,
  setKafkaFlags,
  setSourceFlags,
} from '../../config/overrides.ts';
import type { ProduceFlags } from './command.ts';

function summaryLine(summary: ProduceSummary): string {
  const sources = Object.entries(summary.bySource).map(([source, n]) => `${source} ${n.toLocaleString('en-US')}`);
  const dead = summary.deadLettered > 0 ? `, ${summary.deadLettered} to ${summary.topic}.dlq` : '';
  return `published ${summary.published.toLocaleString('en-US')} ticks to ${summary.topic} in ${(summary.elapsedMs / 1000).toFixed(1)}s (${sources.join(', ') || 'none'}${dead})`;
}

export const run: CommandRun<ProduceFlags> = async (ctx, flags) => {
  const builder = new OverrideBuilder()
    .set(
      'symbols',
      optional(flags.symbols, (raw) => parseSymbols(raw)),
      '--symbols',
    )
    .set(
      'source.yahoo.interval',
      optional(flags.interval, (raw) => parseDurationFlag(raw, '--interval')),
      '--interval',
    )
    .set('source.extendedHours', flags.extendedHours, '--extended-hours')
    .set(
      'source.backfill',
      optional(flags.backfill, (raw) => parseDurationFlag(raw, '--backfill')),
      '--backfill',
    )
    .set('source.backfillInterval', flags.backfillInterval, '--backfill-interval');
  const overrides = setKafkaFlags(setSourceFlags(builder, flags), flags).build();
  const { metricsPort, metricsHost } = parseMetricsFlags(flags);
  const limit = optional(flags.limit, (raw) => parseNumber(raw, '--limit', { integer: true, min: 1 }));
  const config = await ctx.loadConfig(overrides);
  if (config.source.name === 'replay' && !config.source.replay.file) {
    throw new UsageError('--source replay needs a file', 'pass --file session.ndjson (or set source.replay.file)');
  }
  const summary = await produce(config, {
    logger: ctx.logger,
    signal: ctx.signal,
    limit,
    recordFile: flags.record,
    metricsPort,
    metricsHost,
  });
  ctx.out.record(summary, () => summaryLine(summary));
};
