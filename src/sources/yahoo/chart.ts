/** Historical bars from Yahoo's `chart`, for the backfill and the stream's gap fill. */
import { errorMessage } from '../../errors.ts';
import type { BarMeta, BarRow } from '../backfill/bar-ticks.ts';
import { text } from '../fields.ts';
import type { YahooCaller } from './caller.ts';

export type ChartInterval = '1m' | '2m' | '5m' | '15m' | '30m' | '60m' | '90m';

export interface ChartBars {
  bars: BarRow[];
  meta: BarMeta;
}

/** Yahoo has no bars for this symbol (unknown or delisted): asking again will not help. */
export class NoChartDataError extends Error {
  override readonly name = 'NoChartDataError';
}

/** Yahoo refused the time range (HTTP 422: beyond the interval's limits). */
export class ChartRangeError extends Error {
  override readonly name = 'ChartRangeError';
}

/** What `chart` returns in array mode; unvalidated, so every field may be missing. */
interface RawChart {
  meta?: Record<string, unknown>;
  quotes?: Array<{
    date?: unknown;
    open?: number | null;
    high?: number | null;
    low?: number | null;
    close?: number | null;
    volume?: number | null;
  }>;
}

/** Bars in [from, to); undefined when the signal fired while waiting out a rate limit. */
export async function fetchBars(
  caller: YahooCaller,
  symbol: string,
  from: number,
  to: number,
  interval: ChartInterval,
  includePrePost: boolean,
): Promise<ChartBars | undefined> {
  let result: RawChart | undefined;
  try {
    // Unvalidated: meta fields drift, and we only read the bars and three meta strings.
    result = (await caller.call(`chart ${symbol}`, (client) =>
      client.chart(
        symbol,
        { period1: new Date(from), period2: new Date(to), interval, includePrePost, return: 'array' },
        { validateResult: false },
      ),
    )) as RawChart | undefined;
  } catch (error) {
    const message = errorMessage(error);
    if (/not found|no data found|delisted/i.test(message))
      throw new NoChartDataError(`Yahoo has no ${interval} bars for ${symbol} (${message})`);
    if (/granularity|not available for starttime|unprocessable/i.test(message))
      throw new ChartRangeError(`Yahoo refused ${interval} bars of ${symbol} for this range (${message})`);
    throw error;
  }
  if (result === undefined) return undefined;
  const bars: BarRow[] = [];
  for (const quote of result.quotes ?? []) {
    const time = quote.date instanceof Date ? quote.date.getTime() : Number.NaN;
    if (time >= from && time < to)
      bars.push({ time, open: quote.open, high: quote.high, low: quote.low, close: quote.close, volume: quote.volume });
  }
  const meta = result.meta ?? {};
  return {
    bars,
    meta: {
      timezone: text(meta.exchangeTimezoneName),
      currency: text(meta.currency),
      exchange: text(meta.exchangeName),
    },
  };
}
