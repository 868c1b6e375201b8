/** `stockstream dlq redrive`: chosen dead letters back onto their topic (or --to), once each. */
import { createInterface } from 'node:readline/promises';
import { dlqSelection, type DlqFlags } from '../../dlq/options.ts';
import { executeRedrive, planRedrive, readLedger } from '../../dlq/redrive.ts';
import { scanDeadLetters, type DeadLetterRecord } from '../../dlq/scan.ts';
import { UsageError } from '../../errors.ts';
import { createKafka } from '../../kafka/client.ts';
import type { CommandRun } from '../context.ts';

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

export const run: CommandRun<DlqFlags & { to?: string; yes?: boolean }> = async (ctx, flags) => {
  if (flags.stage === undefined)
    throw new UsageError(
      'dlq redrive needs --stage',
      'see the stages with `stockstream dlq list`, then like --stage decode',
    );
  const config = await ctx.loadConfig();
  const selection = dlqSelection(config, flags);
  const target = flags.to ?? selection.source;
  const kafka = createKafka(config, ctx.logger, { clientIdSuffix: 'dlq' });
  const chosen: DeadLetterRecord[] = [];
  await scanDeadLetters(kafka, config, ctx.logger, selection, (letter) => void chosen.push(letter), ctx.signal);
  const plan = planRedrive(
    selection.topic,
    target,
    chosen,
    await readLedger(kafka, config, ctx.logger, selection.topic, ctx.signal),
  );
  const summary = {
    dlq: selection.topic,
    target,
    stage: flags.stage,
    chosen: chosen.length,
    alreadyRedriven: plan.skipped,
    sent: 0,
  };
  if (plan.letters.length > 0 && !flags.yes && process.stdin.isTTY && process.stderr.isTTY) {
    if (
      !(await confirm(
        `send ${plan.letters.length} dead letters (stage ${flags.stage}) from ${selection.topic} to ${target}?`,
      ))
    ) {
      ctx.logger.info('nothing sent');
      ctx.out.record(summary, () => undefined);
      return;
    }
  }
  summary.sent = await executeRedrive(kafka, config, ctx.logger, plan, ctx.signal);
  ctx.out.record(
    summary,
    () =>
      `sent ${summary.sent} of ${summary.chosen} dead letters (stage ${summary.stage}) from ${summary.dlq} to ${summary.target}; ${summary.alreadyRedriven} redriven before`,
  );
};
