import chalk from 'chalk';
import { CHECKS, type CheckResult } from '../../doctor/checks.ts';
import { ExitCode } from '../../errors.ts';
import { parseDuration } from '../../util/duration.ts';
import type { CommandRun } from '../context.ts';
import type { DoctorFlags } from './command.ts';
import { parseDurationFlag } from '../../config/overrides.ts';

function line(result: CheckResult): string {
  const mark = result.ok ? chalk.green('✔') : result.optional ? chalk.yellow('⚠') : chalk.red('✖');
  const fix = result.ok || !result.fix ? '' : `\n    ${chalk.gray('→')} ${result.fix}`;
  return `${mark} ${chalk.bold(result.service.padEnd(13))} ${result.detail}${fix}`;
}

export const run: CommandRun<DoctorFlags> = async (ctx, options) => {
  const timeoutMs = parseDuration(parseDurationFlag(options.timeout, '--timeout'));
  const config = await ctx.loadConfig();
  const results = await Promise.all(CHECKS.map((check) => check(config, { timeoutMs, logger: ctx.logger })));
  for (const result of results) ctx.out.record(result, () => line(result));
  const failed = results.filter((r) => !r.ok && !r.optional);
  return failed.length > 0 ? ExitCode.failure : ExitCode.ok;
};
