/** `stockstream backtest`: the alert rules over history — every firing and the forward returns after it. */
import { readRules } from '../../backtest/rules.ts';
import { fileHistory, yahooHistory } from '../../backtest/history.ts';
import { formatReport } from '../../backtest/report.ts';
import { runBacktest } from '../../backtest/run.ts';
import { UsageError } from '../../errors.ts';
import { isDuration, parseDuration } from '../../util/duration.ts';
import type { CommandRun } from '../context.ts';
import type { BacktestFlags } from './command.ts';
import { OverrideBuilder, parseList, parseSymbols, parseTime } from '../../config/overrides.ts';

export const run: CommandRun<BacktestFlags> = async (ctx, flags) => {
  const horizons = parseList(flags.horizons);
  for (const label of horizons)
    if (!isDuration(label))
      throw new UsageError(`--horizons: "${label}" is not a duration`, 'use a list like 5m,30m,1d');
  if (flags.file === undefined && (flags.from === undefined || flags.to === undefined)) {
    throw new UsageError(
      'backtest needs history: --file, or --from and --to (with --symbols or the config symbols)',
      'like stockstream backtest --file session.ndjson, or --symbols AAPL --from 2026-03-02 --to 2026-03-03',
    );
  }
  const builder = new OverrideBuilder();
  if (flags.symbols !== undefined) builder.set('symbols', parseSymbols(flags.symbols), '--symbols');
  builder.set('source.replay.file', flags.file, '--file');
  let config = await ctx.loadConfig(builder.build());
  if (flags.rules !== undefined) {
    const rules = await readRules(flags.rules);
    // A rule on an interval the config has no bars of gets those bars, as watch does for --interval.
    const known = config.windows.bars.intervals.map(parseDuration);
    const extra = [...new Set(rules.map((rule) => rule.interval))].filter(
      (label) => !known.includes(parseDuration(label)),
    );
    config = {
      ...config,
      windows: {
        ...config.windows,
        bars: { ...config.windows.bars, intervals: [...config.windows.bars.intervals, ...extra] },
        alerts: { ...config.windows.alerts, rules },
      },
    };
  }
  let history;
  if (flags.file !== undefined) {
    history = fileHistory(
      config,
      ctx.logger,
      ctx.signal,
      flags.symbols === undefined ? undefined : new Set(config.symbols),
    );
  } else {
    const from = parseTime(flags.from as string, '--from');
    const to = parseTime(flags.to as string, '--to');
    if (to <= from) throw new UsageError('--to must be after --from', `got --from ${flags.from} --to ${flags.to}`);
    history = yahooHistory(config, { from, to }, ctx.logger, ctx.signal);
  }
  const result = await runBacktest(config, history, horizons);
  for (const warning of result.warnings) ctx.logger.warn(warning);
  if (ctx.out.json) {
    for (const firing of result.firings) ctx.out.record({ kind: 'firing', ...firing });
    ctx.out.record({
      kind: 'summary',
      ticks: result.ticks,
      skipped: result.skipped,
      horizons: result.horizons,
      rules: result.rules,
    });
    return;
  }
  for (const line of formatReport(result)) ctx.out.line(line);
};
