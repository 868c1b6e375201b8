import { stringify } from 'yaml';
import { redactConfig } from '../../config/redact.ts';
import type { CommandRun } from '../context.ts';
import type { ConfigFlags } from './command.ts';

export const run: CommandRun<ConfigFlags> = async (ctx, options) => {
  const config = redactConfig(await ctx.loadConfig());
  const file = ctx.configFile();
  if (options.path) {
    ctx.out.record({ file: file ?? null }, () => file ?? '(no config file: defaults, environment and flags only)');
    return;
  }
  ctx.logger.info(
    file ? `config from ${file}, environment and flags` : 'no config file found: defaults, environment and flags',
  );
  ctx.out.record(config, (value) => stringify(value).trimEnd());
};
