/**
 * Where a backtest's history comes from: a replay file (the replay source itself, as fast as
 * possible, so the ticks are exactly those `watch --file` sees), or Yahoo's chart bars of a range.
 */
import type { Config } from '../config/schema.ts';
import type { Tick } from '../model.ts';
import { createBarTicker } from '../sources/backfill/bar-ticks.ts';
import { chartTicks } from '../sources/history/warm.ts';
import { replaySource } from '../sources/replay/replay.ts';
import type { SourceContext, SourceDeps } from '../sources/types.ts';
import { createYahooCaller } from '../sources/yahoo/caller.ts';
import { fetchBars } from '../sources/yahoo/chart.ts';
import type { Logger } from '../ui/logger.ts';

/** Runs a source-like producer and hands its batches over as they come. */
async function* collect(
  run: (ctx: SourceContext) => Promise<void>,
  symbols: string[],
  logger: Logger,
  signal: AbortSignal,
): AsyncGenerator<Tick[]> {
  const batches: Tick[][] = [];
  const done = run({
    symbols,
    signal,
    logger,
    status: (text) => logger.debug(text),
    emit: async (ticks) => {
      batches.push(ticks);
    },
  });
  await done;
  for (const batch of batches) yield batch;
}

/** Every symbol of the file, or only `wanted` (symbols given on the command line), like watch. */
export function fileHistory(
  config: Config,
  logger: Logger,
  signal: AbortSignal,
  wanted?: ReadonlySet<string>,
): AsyncGenerator<Tick[]> {
  const replay = replaySource.create({
    ...config,
    source: { ...config.source, name: 'replay', replay: { ...config.source.replay, speed: 0 } },
  });
  return collect(
    (ctx) =>
      replay.run({
        ...ctx,
        emit: (ticks) => ctx.emit(wanted ? ticks.filter((tick) => wanted.has(tick.symbol)) : ticks),
      }),
    config.symbols,
    logger,
    signal,
  );
}

export function yahooHistory(
  config: Config,
  range: { from: number; to: number },
  logger: Logger,
  signal: AbortSignal,
  deps: SourceDeps = {},
): AsyncGenerator<Tick[]> {
  return collect(
    async (ctx) => {
      const caller = createYahooCaller(ctx, deps);
      const ticker = createBarTicker({ source: 'yahoo' });
      for (const symbol of ctx.symbols) {
        const chart = await fetchBars(caller, symbol, range.from, range.to, config.source.backfillInterval, false);
        // Four ticks a bar, so rules on a bar's range (volatility) see the range.
        if (chart) await ctx.emit(chartTicks(ticker, symbol, chart));
      }
    },
    config.symbols,
    logger,
    signal,
  );
}
