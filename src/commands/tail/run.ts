/** `stockstream tail [what]`: the records of one of our topics (or any topic), for people or as NDJSON. */
import { createKafka } from '../../kafka/client.ts';
import { tailLine } from '../../tail/records.ts';
import { tailRequest, type TailFlags } from '../../tail/options.ts';
import { runTail } from '../../tail/tail.ts';
import type { CommandRun } from '../context.ts';

export const run: CommandRun<TailFlags> = async (ctx, flags) => {
  const config = await ctx.loadConfig();
  const request = tailRequest(config, flags, Boolean(process.stdout.isTTY) && !ctx.globals.json);
  const kafka = createKafka(config, ctx.logger, { clientIdSuffix: 'tail' });
  await runTail(
    kafka,
    config,
    ctx.logger,
    request,
    (record, bytes) => ctx.out.record(record, () => tailLine(record, bytes)),
    ctx.signal,
  );
};
