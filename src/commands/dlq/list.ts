/** `stockstream dlq list`: dead letters grouped by stage and reason. */
import { groupDeadLetters, groupLine, GROUP_HEADER } from '../../dlq/list.ts';
import { dlqSelection, type DlqFlags } from '../../dlq/options.ts';
import { scanDeadLetters, type DeadLetterRecord } from '../../dlq/scan.ts';
import { createKafka } from '../../kafka/client.ts';
import type { CommandRun } from '../context.ts';

export const run: CommandRun<DlqFlags> = async (ctx, flags) => {
  const config = await ctx.loadConfig();
  const selection = dlqSelection(config, flags);
  const letters: DeadLetterRecord[] = [];
  await scanDeadLetters(
    createKafka(config, ctx.logger, { clientIdSuffix: 'dlq' }),
    config,
    ctx.logger,
    selection,
    (letter) => void letters.push(letter),
    ctx.signal,
  );
  const groups = groupDeadLetters(letters);
  if (!ctx.out.json)
    ctx.out.line(
      groups.length === 0
        ? `no dead letters in ${selection.topic}`
        : `${letters.length} dead letters in ${selection.topic}\n${GROUP_HEADER}`,
    );
  for (const group of groups) ctx.out.record(group, () => groupLine(group));
};
