// A deterministic trading session run through the real window pipeline, so the dashboards are
// tested on exactly the bars, indicators and alerts `consume` would write.
//
// Two symbols tick every 5 s for two hours. AAPL jumps 3 % within a few minutes on heavy volume
// an hour in, which fires the default price-change, volume-spike and volatility rules.
import { configSchema, type Config, type UserConfig } from '../../src/config/schema.ts';
import type { Alert, Bar, IndicatorPoint, StockInfo, Tick, WindowOutput } from '../../src/model.ts';
import { createWindowPipeline } from '../../src/windows/index.ts';

export const SYMBOLS = ['AAPL', 'MSFT'] as const;
const BASE_PRICE: Record<string, number> = { AAPL: 180, MSFT: 400 };
/** Yesterday's close as the ticks carry it: AAPL below today's prices, MSFT above them. */
const PREVIOUS_CLOSE: Record<string, number> = { AAPL: 178.35, MSFT: 402.1 };
const TICK_MS = 5_000;
const SESSION_MS = 2 * 3_600_000;
const JUMP_AFTER_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface Session {
  /** First tick (epoch ms): 15:00 UTC two days ago (morning in New York), inside the "last 30 days" the symbol variable looks at. */
  start: number;
  end: number;
  ticks: Tick[];
  bars: Bar[];
  indicators: IndicatorPoint[];
  alerts: Alert[];
  outputs: WindowOutput[];
}

export function testConfig(overrides: UserConfig = {}): Config {
  return configSchema.parse({ symbols: [...SYMBOLS], windows: { bars: { intervals: ['1m', '5m'] } }, ...overrides });
}

function price(symbol: string, offsetMs: number): number {
  const i = offsetMs / TICK_MS;
  const wave = 1 + 0.004 * Math.sin(i / 37) + 0.001 * Math.sin(i / 3);
  const jump =
    symbol === 'AAPL' && offsetMs >= JUMP_AFTER_MS ? 1 + 0.03 * Math.min(1, (offsetMs - JUMP_AFTER_MS) / 120_000) : 1;
  return Math.round(BASE_PRICE[symbol]! * wave * jump * 100) / 100;
}

function sessionTicks(start: number): Tick[] {
  const ticks: Tick[] = [];
  const dayVolume: Record<string, number> = { AAPL: 1_000_000, MSFT: 500_000 };
  for (let offset = 0; offset < SESSION_MS; offset += TICK_MS) {
    for (const symbol of SYMBOLS) {
      const heavy = symbol === 'AAPL' && offset >= JUMP_AFTER_MS && offset < JUMP_AFTER_MS + 120_000;
      const size = (heavy ? 20_000 : 100) + ((offset / TICK_MS) % 7) * 10;
      dayVolume[symbol]! += size;
      const p = price(symbol, offset);
      ticks.push({
        symbol,
        time: start + offset,
        price: p,
        dayVolume: dayVolume[symbol],
        size,
        bid: p - 0.01,
        ask: p + 0.01,
        previousClose: PREVIOUS_CLOSE[symbol],
        source: 'synthetic',
      });
    }
  }
  return ticks;
}

export function runSession(config: Config, now = Date.now()): Session {
  const start = Math.floor(now / DAY_MS - 2) * DAY_MS + 15 * 3_600_000;
  const ticks = sessionTicks(start);
  const pipeline = createWindowPipeline(config.windows, { clock: () => start });
  const outputs: WindowOutput[] = [];
  for (const tick of ticks) {
    outputs.push({ kind: 'tick', tick });
    const late = pipeline.push(tick, outputs, tick.time);
    if (late) throw new Error(`test session produced a late tick: ${late.reason}`);
  }
  // The symbols go quiet: the idle timer closes the last bars, as it does at the end of a session.
  pipeline.onTimer(start + SESSION_MS + 3_600_000, outputs);
  const pick = <K extends WindowOutput['kind']>(kind: K) =>
    outputs.filter((o): o is Extract<WindowOutput, { kind: K }> => o.kind === kind);
  return {
    start,
    end: start + SESSION_MS,
    ticks,
    bars: pick('bar').map((o) => o.bar),
    indicators: pick('indicator').map((o) => o.point),
    alerts: pick('alert').map((o) => o.alert),
    outputs,
  };
}

export function stockInfo(fetchedAt: number): StockInfo[] {
  return [
    {
      symbol: 'AAPL',
      shortName: 'Apple Inc.',
      longName: 'Apple Inc.',
      sector: 'Technology',
      industry: 'Consumer Electronics',
      exchange: 'NMS',
      currency: 'USD',
      marketCap: 3_450_000_000_000,
      trailingPE: 31.42,
      forwardPE: 28.5,
      fiftyTwoWeekLow: 164.075,
      fiftyTwoWeekHigh: 237.23,
      fetchedAt,
    },
    { symbol: 'MSFT', shortName: 'Microsoft', sector: 'Technology', fetchedAt },
  ];
}
