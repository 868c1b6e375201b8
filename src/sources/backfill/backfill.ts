/**
 * `--backfill <duration>`: before going live, publish historical bars from Yahoo's `chart` as ticks
 * marked `backfill: true` (see bar-ticks.ts for the mapping), symbol by symbol in time order, within
 * Yahoo's limits: 1m bars reach back 30 days at most 8 days per request (we ask for 7), 2m–90m bars
 * reach back 60 days. A longer request is shortened with a warning instead of failing with HTTP 422.
 */
import type { Config } from '../../config/schema.ts';
import { errorMessage } from '../../errors.ts';
import { formatDuration } from '../../util/duration.ts';
import type { Source, SourceContext, SourceDeps } from '../types.ts';
import { createYahooCaller } from '../yahoo/caller.ts';
import { ChartRangeError, fetchBars, NoChartDataError, type ChartInterval } from '../yahoo/chart.ts';
import { createBarTicker } from './bar-ticks.ts';

const DAY = 86_400_000;
/** Yahoo counts its windows back from its own clock; stay clear of the edge. */
const EDGE_MARGIN = 10 * 60_000;

export interface ChartPlan {
  from: number;
  to: number;
  /** [start, end) of each request, oldest first. */
  windows: Array<[number, number]>;
  /** The requested lookback was longer than Yahoo keeps for this interval. */
  shortened: boolean;
}

export function chartLimits(interval: ChartInterval): { maxLookbackMs: number; maxRequestMs: number } {
  return interval === '1m'
    ? { maxLookbackMs: 30 * DAY, maxRequestMs: 7 * DAY }
    : { maxLookbackMs: 60 * DAY, maxRequestMs: 60 * DAY };
}

export function planChartRequests(lookbackMs: number, interval: ChartInterval, now: number): ChartPlan {
  const { maxLookbackMs, maxRequestMs } = chartLimits(interval);
  const earliest = now - maxLookbackMs + EDGE_MARGIN;
  const from = Math.max(now - lookbackMs, earliest);
  const windows: Array<[number, number]> = [];
  for (let start = from; start < now; start += maxRequestMs) windows.push([start, Math.min(start + maxRequestMs, now)]);
  return { from, to: now, windows, shortened: now - lookbackMs < earliest };
}

function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}`;
}

export async function runBackfill(config: Config, ctx: SourceContext, deps: SourceDeps = {}): Promise<void> {
  const interval = config.source.backfillInterval;
  const lookback = config.source.backfill;
  if (!lookback) return;
  const plan = planChartRequests(lookback.ms, interval, (deps.now ?? Date.now)());
  if (plan.shortened) {
    ctx.logger.warn(
      `backfill ${lookback.text} reaches past Yahoo's ${formatDuration(chartLimits(interval).maxLookbackMs)} of ${interval} bars; starting at ${new Date(plan.from).toISOString()}`,
    );
  }
  const caller = createYahooCaller(ctx, deps);
  const ticker = createBarTicker({ source: 'backfill', backfill: true });
  const total = plan.windows.length * ctx.symbols.length;
  let published = 0;
  for (const [symbolIndex, symbol] of ctx.symbols.entries()) {
    let lastTime = Number.NEGATIVE_INFINITY;
    for (const [windowIndex, [from, to]] of plan.windows.entries()) {
      if (ctx.signal.aborted) return;
      let skipSymbol = false;
      try {
        const chart = await fetchBars(caller, symbol, from, to, interval, config.source.extendedHours);
        if (chart === undefined) return;
        // Windows touch at their edges; a bar Yahoo returns in both is published once.
        const ticks = ticker.ticks(symbol, chart.bars, chart.meta).filter((t) => t.time > lastTime);
        lastTime = ticks.at(-1)?.time ?? lastTime;
        if (ticks.length > 0) await ctx.emit(ticks);
        published += ticks.length;
      } catch (error) {
        if (!(error instanceof NoChartDataError || error instanceof ChartRangeError)) throw error;
        skipSymbol = error instanceof NoChartDataError;
        ctx.logger.warn(`backfill: ${errorMessage(error)}; skipping ${skipSymbol ? symbol : 'this range'}`);
      }
      const done = symbolIndex * plan.windows.length + (skipSymbol ? plan.windows.length : windowIndex + 1);
      ctx.status(
        `backfill ${progressBar(done, total)} requests · ${symbol} · ${published.toLocaleString('en-US')} bars`,
      );
      if (skipSymbol) break;
    }
  }
}

export function createBackfill(config: Config, deps?: SourceDeps): Source {
  return { name: 'backfill', run: (ctx) => runBackfill(config, ctx, deps) };
}
