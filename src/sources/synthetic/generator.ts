/**
 * Synthetic ticks: a seeded geometric Brownian motion per symbol, stepping through NYSE sessions.
 * Pure and fast (it feeds the benchmarks): `next(n)` returns the next n ticks, identical for the same
 * seed, symbols, rate and start.
 *
 * - Event time advances 1000/rate ms per tick across all symbols (round-robin), from 09:30 to the
 *   close of each session; nights, weekends and holidays are skipped, with an overnight price gap.
 * - Day volume grows by trade sizes drawn around a per-symbol lot size, with the intraday U shape of
 *   real markets (busy open and close, quiet lunch), and starts from zero each session.
 */
import type { Tick } from '../../model.ts';
import { currentOrNextSession, type Session } from '../market-hours.ts';
import { createRandom, hashString } from './random.ts';

export interface SyntheticOptions {
  symbols: string[];
  seed: number;
  /** Annualised volatility, like 0.3. */
  volatility: number;
  /** Ticks per second over all symbols; sets the event-time step. */
  rate: number;
  /** Event time of the first tick; moved to the next session open when the market is closed then. */
  start: number;
}

export interface SyntheticGenerator {
  next(count: number): Tick[];
}

interface SymbolState {
  symbol: string;
  /** Unrounded price of the random walk. */
  level: number;
  lots: number;
  open: number | undefined;
  previousClose: number;
  high: number;
  low: number;
  dayVolume: number;
}

const TRADING_YEAR_MS = 252 * 6.5 * 3_600_000;
/** Overnight variance as a fraction of a trading day's. */
const OVERNIGHT_SHARE = 0.25;

const cents = (value: number) => Math.max(0.01, Math.round(value * 100) / 100);

function initialState(symbol: string, seed: number): SymbolState {
  const hash = hashString(`${seed}:${symbol}`);
  const level = 20 + (hash % 48_000) / 100;
  return {
    symbol,
    level,
    lots: 1 + ((hash >>> 16) % 9),
    open: undefined,
    previousClose: cents(level),
    high: 0,
    low: 0,
    dayVolume: 0,
  };
}

export function createSyntheticGenerator(options: SyntheticOptions): SyntheticGenerator {
  if (options.symbols.length === 0) throw new Error('synthetic source needs at least one symbol');
  const random = createRandom(options.seed);
  const states = options.symbols.map((symbol) => initialState(symbol, options.seed));
  const stepMs = 1000 / options.rate;
  const sigma = options.volatility;
  // Each symbol moves once per round of all symbols.
  const dt = (stepMs * states.length) / TRADING_YEAR_MS;
  const drift = -0.5 * sigma * sigma * dt;
  const diffusion = sigma * Math.sqrt(dt);
  const overnight = sigma * Math.sqrt(OVERNIGHT_SHARE / 252);

  let session: Session = currentOrNextSession(options.start);
  let stepIndex = Math.max(0, Math.ceil((options.start - session.open) / stepMs));
  let cursor = 0;

  const startNextSession = () => {
    session = currentOrNextSession(session.close);
    stepIndex = 0;
    for (const state of states) {
      state.previousClose = cents(state.level);
      state.level *= Math.exp(overnight * random.normal());
      state.open = undefined;
      state.dayVolume = 0;
    }
  };

  const nextTick = (): Tick => {
    let time = Math.floor(session.open + stepIndex * stepMs);
    if (time >= session.close) {
      startNextSession();
      time = session.open;
    }
    stepIndex += 1;
    const state = states[cursor]!;
    cursor = cursor + 1 === states.length ? 0 : cursor + 1;

    state.level *= Math.exp(drift + diffusion * random.normal());
    const price = cents(state.level);
    if (state.open === undefined) {
      state.open = price;
      state.high = price;
      state.low = price;
    }
    if (price > state.high) state.high = price;
    if (price < state.low) state.low = price;
    const x = (2 * (time - session.open)) / (session.close - session.open) - 1;
    const intraday = 0.6 + 2.4 * x * x;
    const size = 100 * Math.max(1, Math.round(state.lots * intraday * Math.exp(0.7 * random.normal() - 0.245)));
    state.dayVolume += size;
    const halfSpread = Math.max(0.005, price * 0.0001);
    return {
      symbol: state.symbol,
      time,
      price,
      source: 'synthetic',
      dayVolume: state.dayVolume,
      size,
      bid: cents(price - halfSpread),
      ask: cents(price + halfSpread),
      dayHigh: state.high,
      dayLow: state.low,
      open: state.open,
      previousClose: state.previousClose,
      currency: 'USD',
      exchange: 'NMS',
      marketState: 'REGULAR',
    };
  };

  return {
    next(count) {
      const ticks = new Array<Tick>(count);
      for (let i = 0; i < count; i++) ticks[i] = nextTick();
      return ticks;
    },
  };
}
