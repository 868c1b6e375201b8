/** `stockstream status`: is the pipeline working? Exit 0 healthy, 1 not; `--watch` refreshes in place. */
import { checkLine, failures } from '../../doctor/present.ts';
import { ExitCode } from '../../errors.ts';
import { createKafka } from '../../kafka/client.ts';
import { gatherStatus } from '../../status/gather.ts';
import { judge, lagLines } from '../../status/health.ts';
import { parseDuration } from '../../util/duration.ts';
import { sleep } from '../../util/retry.ts';
import type { CommandRun } from '../context.ts';
import { parseDurationFlag } from '../../config/overrides.ts';
import type { StatusFlags } from './command.ts';

export const run: CommandRun<StatusFlags> = async (ctx, flags) => {
  const intervalMs = parseDuration(parseDurationFlag(flags.interval, '--interval'));
  const config = await ctx.loadConfig();
  const kafka = createKafka(config, ctx.logger, { clientIdSuffix: 'status' });
  const inPlace = Boolean(flags.watch && process.stdout.isTTY && !ctx.globals.json);
  let code: number = ExitCode.ok;
  do {
    const facts = await gatherStatus(kafka, config, ctx.logger, ctx.signal);
    if (ctx.signal.aborted) break;
    const checks = judge(facts, config);
    const healthy = failures(checks).length === 0;
    code = healthy ? ExitCode.ok : ExitCode.failure;
    const report = { at: new Date(facts.at).toISOString(), healthy, checks, facts };
    ctx.out.record(report, () => {
      const lines = [`status at ${report.at}: ${healthy ? 'healthy' : 'unhealthy'}`];
      for (const check of checks) {
        lines.push(checkLine(check));
        if (check.service === 'Consumer group') lines.push(...lagLines(facts));
      }
      // In place: home and clear the screen first (long lines wrap, so counting lines to move up would not do).
      return (inPlace ? '\x1b[H\x1b[2J' : '') + lines.join('\n');
    });
    if (!flags.watch) break;
    await sleep(intervalMs, ctx.signal).catch(() => undefined);
  } while (!ctx.signal.aborted);
  return code;
};
