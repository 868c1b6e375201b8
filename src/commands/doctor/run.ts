import { CHECKS } from '../../doctor/checks.ts';
import { checkLine, failures } from '../../doctor/present.ts';
import { ExitCode } from '../../errors.ts';
import { parseDuration } from '../../util/duration.ts';
import type { CommandRun } from '../context.ts';
import type { DoctorFlags } from './command.ts';
import { parseDurationFlag } from '../../config/overrides.ts';

export const run: CommandRun<DoctorFlags> = async (ctx, options) => {
  const timeoutMs = parseDuration(parseDurationFlag(options.timeout, '--timeout'));
  const config = await ctx.loadConfig();
  const results = await Promise.all(CHECKS.map((check) => check(config, { timeoutMs, logger: ctx.logger })));
  for (const result of results) ctx.out.record(result, () => checkLine(result));
  return failures(results).length > 0 ? ExitCode.failure : ExitCode.ok;
};
