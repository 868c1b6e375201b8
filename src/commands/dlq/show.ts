/** `stockstream dlq show`: dead letters one by one, printed like `tail dlq`. */
import { dlqSelection, type DlqFlags } from '../../dlq/options.ts';
import { scanDeadLetters } from '../../dlq/scan.ts';
import { createKafka } from '../../kafka/client.ts';
import { tailLine, toTailRecord } from '../../tail/records.ts';
import type { CommandRun } from '../context.ts';
import { parseNumber } from '../../config/overrides.ts';

export const run: CommandRun<DlqFlags & { limit?: string }> = async (ctx, flags) => {
  const limit = flags.limit === undefined ? Infinity : parseNumber(flags.limit, '--limit', { integer: true, min: 1 });
  const config = await ctx.loadConfig();
  const selection = dlqSelection(config, flags);
  let shown = 0;
  await scanDeadLetters(
    createKafka(config, ctx.logger, { clientIdSuffix: 'dlq' }),
    config,
    ctx.logger,
    selection,
    ({ partition, message }) => {
      const record = toTailRecord('dead-letter', selection.topic, partition, message);
      ctx.out.record(record, () => tailLine(record, message.value));
      return ++shown < limit;
    },
    ctx.signal,
  );
};
