/**
 * `backtest`: history through the same window pipeline as `consume` and `watch` (bars, indicators,
 * alert rules), collecting every firing and the forward return after it.
 *
 * A firing's price is the close of the bar that fired it (the last trade before the bar's end); its
 * forward return at horizon h is the last trade before end + h against that price, counted only
 * when the history reaches end + h (a later trade exists), so the end of the file does not pass
 * for a flat market.
 */
import type { Config } from '../config/schema.ts';
import { decodeTick, encodeTick, type Alert, type Tick, type WindowOutput } from '../model.ts';
import { parseDuration } from '../util/duration.ts';
import { createWindowPipeline } from '../windows/index.ts';

/** Far enough in the future that every open window closes: the end of the input is the final watermark. */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

export interface Firing {
  time: number;
  symbol: string;
  rule: string;
  severity: Alert['severity'];
  interval: string;
  message: string;
  price: number;
  /** Horizon label → return as a fraction (0.01 = +1%); missing when the history ends before it. */
  returns: Record<string, number>;
}

export interface HorizonStats {
  count: number;
  mean: number;
  median: number;
  /** Share of firings with a return above 0. */
  positive: number;
}

export interface RuleSummary {
  rule: string;
  firings: number;
  bySymbol: Record<string, number>;
  horizons: Record<string, HorizonStats | undefined>;
}

export interface BacktestResult {
  ticks: number;
  skipped: number;
  firings: Firing[];
  rules: RuleSummary[];
  horizons: string[];
  /** Config problems the pipeline found (like a rule on an interval no bar has). */
  warnings: readonly string[];
}

/** Per symbol: trade times and prices in event-time order, for "last trade before t". */
interface Trades {
  times: number[];
  prices: number[];
}

/** Index of the last trade strictly before `time`, or -1. */
function lastBefore(trades: Trades, time: number): number {
  let low = 0;
  let high = trades.times.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((trades.times[mid] as number) < time) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

export function stats(values: readonly number[]): HorizonStats | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    count: values.length,
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    median,
    positive: values.filter((value) => value > 0).length / values.length,
  };
}

export async function runBacktest(
  config: Config,
  history: AsyncIterable<Tick[]>,
  horizons: readonly string[],
): Promise<BacktestResult> {
  // No wall clock: a backtest's only time is event time.
  const pipeline = createWindowPipeline(config.windows, { clock: () => 0, wallClock: false });
  const trades = new Map<string, Trades>();
  const alerts: Array<{ alert: Alert; end: number }> = [];
  /** Bar ends by symbol, interval and start: which bar an alert refers to. */
  const barEnds = new Map<string, number>();
  const outputs: WindowOutput[] = [];
  let ticks = 0;
  let skipped = 0;

  const collect = () => {
    for (const output of outputs) {
      if (output.kind === 'bar' && output.bar.final)
        barEnds.set(`${output.bar.symbol}|${output.bar.interval}|${output.bar.start}`, output.bar.end);
      if (output.kind === 'alert') {
        const { alert } = output;
        const end = barEnds.get(`${alert.symbol}|${alert.interval}|${alert.time}`);
        if (end !== undefined) alerts.push({ alert, end });
      }
    }
    outputs.length = 0;
  };

  for await (const batch of history) {
    for (const raw of batch) {
      let tick: Tick;
      try {
        // The check watch and the consume engine make: bad source data stays out.
        tick = decodeTick(encodeTick(raw));
      } catch {
        skipped += 1;
        continue;
      }
      if (pipeline.push(tick, outputs, 0) !== undefined) {
        skipped += 1;
        continue;
      }
      ticks += 1;
      let list = trades.get(tick.symbol);
      if (!list) trades.set(tick.symbol, (list = { times: [], prices: [] }));
      // Within the allowed lateness a tick may come a little out of order; keep the list sorted.
      let at = list.times.length;
      while (at > 0 && (list.times[at - 1] as number) > tick.time) at -= 1;
      list.times.splice(at, 0, tick.time);
      list.prices.splice(at, 0, tick.price);
      collect();
    }
  }
  pipeline.onTimer(END_OF_INPUT, outputs);
  collect();

  const horizonMs = horizons.map((label) => ({ label, ms: parseDuration(label) }));
  const firings: Firing[] = alerts.map(({ alert, end }) => {
    const list = trades.get(alert.symbol) as Trades;
    const entry = list.prices[lastBefore(list, end)] as number;
    const returns: Record<string, number> = {};
    for (const { label, ms } of horizonMs) {
      const exit = lastBefore(list, end + ms);
      // Counted only when a trade at or after end + h shows the history reaches that far.
      if (exit + 1 < list.times.length) returns[label] = (list.prices[exit] as number) / entry - 1;
    }
    return {
      time: alert.time,
      symbol: alert.symbol,
      rule: alert.rule,
      severity: alert.severity,
      interval: alert.interval,
      message: alert.message,
      price: entry,
      returns,
    };
  });
  firings.sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));

  const rules: RuleSummary[] = config.windows.alerts.rules.map((rule) => {
    const mine = firings.filter((firing) => firing.rule === rule.name);
    const bySymbol: Record<string, number> = {};
    for (const firing of mine) bySymbol[firing.symbol] = (bySymbol[firing.symbol] ?? 0) + 1;
    const summary: Record<string, HorizonStats | undefined> = {};
    for (const { label } of horizonMs)
      summary[label] = stats(
        mine.flatMap((firing) => (firing.returns[label] === undefined ? [] : [firing.returns[label]])),
      );
    return { rule: rule.name, firings: mine.length, bySymbol, horizons: summary };
  });
  return { ticks, skipped, firings, rules, horizons: [...horizons], warnings: pipeline.warnings };
}
