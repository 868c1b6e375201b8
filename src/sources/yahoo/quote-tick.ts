/**
 * Yahoo `quote` results → ticks. Results arrive unvalidated (Yahoo sends nulls and drifting
 * shapes), so every field is read defensively: numbers must be finite, times may be epoch seconds
 * or Dates. Only sessions the user asked for produce ticks: REGULAR always, PRE and POST with
 * extended hours (then the pre/post-market price and time are the tick's).
 */
import type { MarketState, Tick } from '../../model.ts';
import { assignDefined, epochMs, nonNegative, positive, text } from '../fields.ts';

/** The fields we read from a quote; the rest of Yahoo's payload is ignored. */
export interface RawQuote {
  symbol?: unknown;
  marketState?: unknown;
  exchangeTimezoneName?: unknown;
  currency?: unknown;
  exchange?: unknown;
  regularMarketPrice?: unknown;
  regularMarketTime?: unknown;
  regularMarketVolume?: unknown;
  regularMarketDayHigh?: unknown;
  regularMarketDayLow?: unknown;
  regularMarketOpen?: unknown;
  regularMarketPreviousClose?: unknown;
  preMarketPrice?: unknown;
  preMarketTime?: unknown;
  postMarketPrice?: unknown;
  postMarketTime?: unknown;
  bid?: unknown;
  ask?: unknown;
}

/** Yahoo's states (PREPRE before 04:00, POSTPOST after 20:00) folded into ours. */
export function marketStateOf(quote: RawQuote): MarketState {
  switch (quote.marketState) {
    case 'REGULAR':
      return 'REGULAR';
    case 'PRE':
      return 'PRE';
    case 'POST':
      return 'POST';
    default:
      return 'CLOSED';
  }
}

/** Whether ticks are wanted in this state. */
export function isTrading(state: MarketState, extendedHours: boolean): boolean {
  return state === 'REGULAR' || (extendedHours && (state === 'PRE' || state === 'POST'));
}

function priceAndTime(quote: RawQuote, state: MarketState): [unknown, unknown] {
  if (state === 'PRE') return [quote.preMarketPrice, quote.preMarketTime];
  if (state === 'POST') return [quote.postMarketPrice, quote.postMarketTime];
  return [quote.regularMarketPrice, quote.regularMarketTime];
}

export function quoteToTick(quote: RawQuote, extendedHours: boolean): Tick | undefined {
  const symbol = text(quote.symbol);
  const state = marketStateOf(quote);
  if (!symbol || !isTrading(state, extendedHours)) return undefined;
  const [rawPrice, rawTime] = priceAndTime(quote, state);
  const price = positive(rawPrice);
  const time = epochMs(rawTime);
  if (price === undefined || time === undefined) return undefined;
  return assignDefined<Tick>(
    { symbol, time, price, source: 'yahoo', marketState: state },
    {
      dayVolume: nonNegative(quote.regularMarketVolume),
      // Yahoo sends 0 for a side without a quote: that is no price, not a free share.
      bid: positive(quote.bid),
      ask: positive(quote.ask),
      dayHigh: positive(quote.regularMarketDayHigh),
      dayLow: positive(quote.regularMarketDayLow),
      open: positive(quote.regularMarketOpen),
      previousClose: positive(quote.regularMarketPreviousClose),
      currency: text(quote.currency),
      exchange: text(quote.exchange),
    },
  );
}
