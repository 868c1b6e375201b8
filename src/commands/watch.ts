/** `stockstream watch`: a live table of prices, bars, indicators and alerts — no servers needed. */
import chalk from 'chalk';
import { secretValues } from '../config/redact.ts';
import { plannedSources } from '../sources/index.ts';
import { parseWatchFlags, watchConfig, type WatchFlags } from '../watch/options.ts';
import { runWatch } from '../watch/run.ts';
import type { CommandRun } from './context.ts';

export const run: CommandRun<WatchFlags> = async (ctx, flags) => {
  const { overrides, view } = parseWatchFlags(flags);
  const { config, interval } = watchConfig(await ctx.loadConfig(overrides), view);
  // --json asks for machine-readable lines even on a terminal.
  const tty = Boolean(process.stdout.isTTY) && !ctx.globals.json;
  const summary = await runWatch({
    config,
    view: { ...view, interval },
    sources: plannedSources(config),
    logger: ctx.logger,
    out: ctx.out,
    signal: ctx.signal,
    json: ctx.globals.json,
    terminal: tty ? { input: process.stdin, output: process.stdout } : undefined,
    colors: chalk,
    secrets: secretValues(config),
  });
  ctx.logger.debug('watch stopped', { ...summary });
};
