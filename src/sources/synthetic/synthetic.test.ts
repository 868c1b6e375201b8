import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.ts';
import { decodeTick, encodeTick, type Tick } from '../../model.ts';
import { marketStateAt, sessionOfDay } from '../market-hours.ts';
import type { SourceContext } from '../types.ts';
import { createSyntheticGenerator } from './generator.ts';
import { defaultStart, runSynthetic } from './synthetic.ts';
import { waitFor } from '../../../test/support/wait.ts';

const symbols = ['AAPL', 'MSFT', 'NVDA'];
// Friday 2026-03-06 15:59:00 EST: the session ends a minute later and the next one is Monday.
const start = Date.parse('2026-03-06T20:59:00Z');

function generate(count: number, overrides: Partial<Parameters<typeof createSyntheticGenerator>[0]> = {}): Tick[] {
  return createSyntheticGenerator({ symbols, seed: 7, volatility: 0.3, rate: 10, start, ...overrides }).next(count);
}

describe('synthetic generator', () => {
  it('is deterministic for a seed and differs for another', () => {
    const a = generate(2000);
    expect(generate(2000)).toEqual(a);
    expect(generate(2000, { seed: 8 }).map((t) => t.price)).not.toEqual(a.map((t) => t.price));
  });

  it('emits valid ticks round-robin, in event-time order, only during regular sessions', () => {
    const ticks = generate(3000);
    for (const tick of ticks) {
      expect(decodeTick(encodeTick(tick))).toEqual(tick);
      expect(marketStateAt(tick.time)).toBe('REGULAR');
    }
    expect(ticks.slice(0, 3).map((t) => t.symbol)).toEqual(symbols);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.time).toBeGreaterThanOrEqual(ticks[i - 1]!.time);
    // 600 ticks fit before Friday's close at 10 ticks/s; the rest are Monday 2026-03-09.
    expect(ticks[599]!.time).toBe(Date.parse('2026-03-06T20:59:59.900Z'));
    expect(ticks[600]!.time).toBe(Date.parse('2026-03-09T13:30:00Z'));
    expect(sessionOfDay(ticks[600]!.time)!.date).toBe('2026-03-09');
  });

  it('grows day volume per symbol and resets it with a new session, with the previous close carried over', () => {
    const ticks = generate(1200);
    const friday = ticks.slice(0, 600).filter((t) => t.symbol === 'AAPL');
    const monday = ticks.slice(600).filter((t) => t.symbol === 'AAPL');
    for (const day of [friday, monday]) {
      for (let i = 1; i < day.length; i++) expect(day[i]!.dayVolume! - day[i - 1]!.dayVolume!).toBe(day[i]!.size);
      expect(day[0]!.dayVolume).toBe(day[0]!.size);
      expect(day.every((t) => t.dayHigh! >= t.price && t.dayLow! <= t.price && t.bid! < t.ask!)).toBe(true);
    }
    expect(monday[0]!.previousClose).toBe(friday.at(-1)!.price);
    expect(monday[0]!.open).toBe(monday[0]!.price);
  });
});

describe('synthetic source', () => {
  function context(ticks: Tick[], signal = new AbortController().signal): SourceContext {
    return {
      symbols,
      signal,
      logger: undefined as never,
      status: () => {},
      emit: async (batch) => void ticks.push(...batch),
    };
  }

  it('paces to the rate and stops at the limit', async () => {
    const options = configSchema.parse({
      source: { synthetic: { rate: 200, limit: 100, start: '2026-03-06T15:00:00Z' } },
    }).source.synthetic;
    const ticks: Tick[] = [];
    const began = Date.now();
    await runSynthetic(options, context(ticks));
    const elapsed = Date.now() - began;
    expect(ticks).toHaveLength(100);
    // 100 ticks at 200/s: the last is due after ~495 ms
    expect(elapsed).toBeGreaterThan(400);
    expect(elapsed).toBeLessThan(3000);
    expect(ticks).toEqual(
      createSyntheticGenerator({
        symbols,
        seed: 42,
        volatility: 0.3,
        rate: 200,
        start: Date.parse('2026-03-06T15:00:00Z'),
      }).next(100),
    );
  });

  it('stops when the signal fires', async () => {
    const options = configSchema.parse({ source: { synthetic: { rate: 50 } } }).source.synthetic;
    const controller = new AbortController();
    const ticks: Tick[] = [];
    const run = runSynthetic(options, context(ticks, controller.signal));
    await waitFor(() => ticks.length >= 3, 'three ticks', 5_000);
    controller.abort();
    await run;
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThan(50);
  });

  it('starts at the wall clock during a session and at the latest session open otherwise', () => {
    const tuesdayNoon = Date.parse('2026-03-10T16:00:00Z');
    expect(defaultStart(tuesdayNoon)).toBe(tuesdayNoon);
    expect(defaultStart(Date.parse('2026-03-08T16:00:00Z'))).toBe(Date.parse('2026-03-06T14:30:00Z'));
  });
});
