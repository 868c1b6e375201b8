/** `stockstream watch`: a live table of prices, bars, indicators and alerts — no servers needed. */
import chalk from 'chalk';
import { secretValues } from '../../config/redact.ts';
import { withWarmHistory } from '../../sources/history/warm.ts';
import { plannedSources } from '../../sources/index.ts';
import { parseWatchFlags, watchConfig } from '../../watch/options.ts';
import { runWatch } from '../../watch/run.ts';
import type { CommandRun } from '../context.ts';
import type { WatchCommandFlags } from './command.ts';

export const run: CommandRun<WatchCommandFlags> = async (ctx, flags) => {
  const { overrides, view } = parseWatchFlags(flags);
  const { config, interval } = watchConfig(await ctx.loadConfig(overrides), view);
  // --json asks for machine-readable lines even on a terminal.
  const tty = Boolean(process.stdout.isTTY) && !ctx.globals.json;
  const sources = withWarmHistory(config, await plannedSources(config));
  // Loaded only with --web: the page server is of no use to the terminal table.
  const web = view.web
    ? await (
        await import('../../web/index.ts')
      ).startWatchWeb(config, {
        ...view.web,
        interval,
        source: sources.map((source) => source.name).join(' → '),
        logger: ctx.logger,
      })
    : undefined;
  try {
    const summary = await runWatch({
      config,
      view: { ...view, interval },
      sources,
      logger: ctx.logger,
      out: ctx.out,
      signal: ctx.signal,
      json: ctx.globals.json,
      terminal: tty ? { input: process.stdin, output: process.stdout } : undefined,
      colors: chalk,
      secrets: secretValues(config),
      taps: web ? [web.feed] : [],
      // On a terminal the log line is behind the full-screen table: the header keeps the address.
      headerNote: web ? `charts ${web.server.url}` : undefined,
    });
    ctx.logger.debug('watch stopped', { ...summary });
    // Without a terminal to quit from, the page of a finished replay stays up until Ctrl-C.
    if (web && !tty && (summary.stoppedBy === 'end' || summary.stoppedBy === 'limit') && !ctx.signal.aborted) {
      ctx.logger.info('watch --web: the source ended; the page stays up until Ctrl-C');
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    }
  } finally {
    await web?.server.close();
  }
};
