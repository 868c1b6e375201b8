/**
 * The streamer's messages are partial (proto3 leaves out zero values, Yahoo leaves out what did
 * not change), so each one is merged into the last known state of its symbol before it becomes a
 * tick. `market_hours` is the exception: it describes the message itself, and its absence means 0
 * (pre-market). Prices are float32 on the wire and are rounded back to the symbol's price hint.
 */
import type { MarketState, Tick } from '../../model.ts';
import { assignDefined, epochMs, nonNegative, positive } from '../fields.ts';
import { isTrading } from '../yahoo/quote-tick.ts';
import type { PricingData } from './pricing-data.ts';

const MARKET_HOURS: readonly MarketState[] = ['PRE', 'REGULAR', 'POST'];

/** float32 → the decimal Yahoo meant: `priceHint` decimals when known, else 7 significant digits. */
export function roundPrice(value: number | undefined, priceHint: number | undefined): number | undefined {
  const v = positive(value);
  if (v === undefined) return undefined;
  if (priceHint !== undefined && priceHint >= 0 && priceHint <= 8)
    return Math.round(v * 10 ** priceHint) / 10 ** priceHint;
  return Number(v.toPrecision(7));
}

export interface StreamState {
  /** Merges a message; returns the tick it makes, or undefined (no price yet, session not wanted, nothing changed). */
  apply(message: PricingData): Tick | undefined;
  /** The last tick of each symbol. */
  lastTicks(): ReadonlyMap<string, Tick>;
  /** Records a tick published on the stream's behalf (a gap fill) as the symbol's last. */
  remember(tick: Tick): void;
}

export function createStreamState(extendedHours: boolean): StreamState {
  const merged = new Map<string, PricingData>();
  const last = new Map<string, Tick>();
  return {
    apply(message) {
      const symbol = message.id?.toUpperCase();
      if (!symbol) return undefined;
      const state = { ...merged.get(symbol) };
      for (const [key, value] of Object.entries(message))
        if (value !== undefined) Object.assign(state, { [key]: value });
      merged.set(symbol, state);

      const marketState = MARKET_HOURS[message.marketHours ?? 0] ?? 'CLOSED';
      const price = roundPrice(state.price, state.priceHint);
      const time = epochMs(state.time);
      if (!isTrading(marketState, extendedHours) || price === undefined || time === undefined) return undefined;
      const tick = assignDefined<Tick>(
        { symbol, time, price, source: 'yahoo-stream', marketState },
        {
          dayVolume: nonNegative(state.dayVolume),
          size: positive(state.lastSize),
          bid: roundPrice(state.bid, state.priceHint),
          ask: roundPrice(state.ask, state.priceHint),
          dayHigh: roundPrice(state.dayHigh, state.priceHint),
          dayLow: roundPrice(state.dayLow, state.priceHint),
          open: roundPrice(state.openPrice, state.priceHint),
          previousClose: roundPrice(state.previousClose, state.priceHint),
          currency: state.currency || undefined,
          exchange: state.exchange || undefined,
        },
      );

      const previous = last.get(symbol);
      if (
        previous &&
        previous.price === tick.price &&
        previous.time === tick.time &&
        previous.dayVolume === tick.dayVolume
      )
        return undefined;
      last.set(symbol, tick);
      return tick;
    },
    lastTicks: () => last,
    remember: (tick) => void last.set(tick.symbol, tick),
  };
}
