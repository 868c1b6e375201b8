/** `stockstream dashboards generate`: grafana/provisioning and grafana/dashboards from the config. */
import { renderGrafanaFiles, writeGrafanaFiles } from '../../dashboards/generate.ts';
import { UsageError } from '../../errors.ts';
import type { CommandRun } from '../context.ts';
import type { GenerateOptions } from './command.ts';

export const run: CommandRun<GenerateOptions> = async (ctx, options) => {
  const out = options.out ?? 'grafana';
  if (out.trim() === '') throw new UsageError('--out is empty', 'pass a directory, like --out grafana');
  const config = await ctx.loadConfig();
  const written = await writeGrafanaFiles(out, renderGrafanaFiles(config));
  for (const path of written) ctx.logger.debug('wrote', { path });
  ctx.out.record({ out, files: written }, () => written.join('\n'));
  ctx.logger.success(`wrote ${written.length} files to ${out}`);
};
