/**
 * Runs the operators for every symbol: keeps each symbol's watermark, feeds ticks to the bar
 * operator and every closed bar to the bar operators (indicators, alerts), and snapshots it all.
 *
 * Watermark of a symbol = max event time seen − allowedLateness. A window [start, end) closes when
 * the watermark reaches `end`. It is per symbol because symbols live on different partitions and
 * some trade far less often than others.
 */
import { DecodeError, type Bar, type Tick, type WindowOutput } from '../model.ts';
import { formatDuration } from '../util/duration.ts';
import { alertsModule } from './alerts/alerts.ts';
import { barsModule } from './bars/bars.ts';
import { SessionCalendar } from './calendar.ts';
import { indicatorsModule } from './indicators/indicators.ts';
import { parseWindowSettings, type WindowsConfig } from './settings.ts';
import type {
  BarOperator,
  LateTick,
  OperatorEnv,
  TickOperator,
  WindowOperatorModule,
  WindowPipeline,
} from './types.ts';

export const SNAPSHOT_VERSION = 1;

/** The window operators, by name, in the order a closed bar flows through them. */
export const windowOperators: readonly WindowOperatorModule[] = [barsModule, indicatorsModule, alertsModule];

export interface WindowPipelineOptions {
  /** Wall clock for arrivals that do not say when they were received, and for restores. */
  clock?: () => number;
  /** Session open as HH:MM local time, when the time zone's default (09:30 for New York) is wrong. */
  sessionOpen?: string;
  /**
   * False when there is no wall clock to compare event times with (a backtest over history): then
   * no tick is judged future (windows.maxFutureSkew).
   */
  wallClock?: boolean;
  /** Operator modules to run; all of them when left out. */
  operators?: readonly WindowOperatorModule[];
}

interface SymbolState {
  maxTime: number;
  watermark: number;
  /** Wall clock of the last arrival (or of the restore). */
  lastArrival: number;
  /** The bar operator's state first, then one per bar operator. */
  states: unknown[];
}

/** The persisted form of a SymbolState; operator states by operator name. */
interface SavedSymbol {
  v: number;
  maxTime: number;
  watermark: number;
  operators: Record<string, unknown>;
}

export function createWindowPipeline(windows: WindowsConfig, options: WindowPipelineOptions = {}): WindowPipeline {
  const settings = parseWindowSettings(windows);
  const env: OperatorEnv = { settings, calendar: new SessionCalendar(settings.timezone, options.sessionOpen) };
  const clock = options.clock ?? Date.now;
  const modules = options.operators ?? windowOperators;
  const tickModules = modules.filter((module) => module.stage === 'ticks');
  const tickModule = tickModules[0];
  if (tickModule === undefined || tickModules.length > 1)
    throw new Error('a window pipeline needs exactly one tick operator (bars)');
  const bars: TickOperator<unknown> = tickModule.create(windows, env);
  const barOperators: BarOperator<unknown>[] = [];
  for (const module of modules) {
    const operator = module.stage === 'bars' ? module.create(windows, env) : undefined;
    if (operator !== undefined) barOperators.push(operator);
  }
  const names = [bars.name, ...barOperators.map((operator) => operator.name)];
  const { latenessMs, idleMs, interimMs } = settings;
  const futureSkewMs = options.wallClock === false ? Number.POSITIVE_INFINITY : settings.futureSkewMs;
  const bySymbol = new Map<string, SymbolState>();
  /** Reused for every close, so the hot path allocates nothing when no window closes. */
  const closed: Bar[] = [];
  let lastInterim = Number.NEGATIVE_INFINITY;

  function advance(state: SymbolState, watermark: number, out: WindowOutput[]): void {
    state.watermark = watermark;
    bars.close(state.states[0], watermark, closed);
    if (closed.length === 0) return;
    for (const bar of closed) {
      out.push({ kind: 'bar', bar });
      for (let i = 0; i < barOperators.length; i++)
        (barOperators[i] as BarOperator<unknown>).onBar(state.states[i + 1], bar, out);
    }
    closed.length = 0;
  }

  function createSymbol(tick: Tick): SymbolState {
    return {
      maxTime: tick.time,
      watermark: tick.time - latenessMs,
      lastArrival: 0,
      states: [bars.createState(tick.symbol), ...barOperators.map((operator) => operator.createState(tick.symbol))],
    };
  }

  return {
    warnings: settings.warnings,

    push(tick, out, arrivalMs) {
      const future = futureTick(tick, arrivalMs ?? clock(), futureSkewMs);
      if (future !== undefined) return future;
      let state = bySymbol.get(tick.symbol);
      if (state === undefined) {
        state = createSymbol(tick);
        bySymbol.set(tick.symbol, state);
      }
      const late = bars.addTick(state.states[0], tick, state.watermark);
      if (late !== undefined) return { tick, reason: late } satisfies LateTick;
      state.lastArrival = arrivalMs ?? clock();
      if (tick.time > state.maxTime) state.maxTime = tick.time;
      const watermark = state.maxTime - latenessMs;
      if (watermark > state.watermark) advance(state, watermark, out);
      return undefined;
    },

    onTimer(nowMs, out) {
      for (const state of bySymbol.values()) {
        // A quiet symbol's event time is taken to move on with the wall clock since its last
        // arrival, so live data and a replay at its original pace both close their last bar
        // (no later tick would ever close it). A fast replay keeps arriving, so it never goes
        // quiet and its watermark stays purely event time.
        const quietMs = nowMs - state.lastArrival;
        if (quietMs < idleMs) continue;
        const watermark = state.maxTime + quietMs - latenessMs;
        if (watermark > state.watermark) advance(state, watermark, out);
      }
      if (interimMs !== undefined && nowMs - lastInterim >= interimMs) {
        lastInterim = nowMs;
        for (const state of bySymbol.values()) bars.interim(state.states[0], out);
      }
    },

    serialize(symbol) {
      const state = bySymbol.get(symbol);
      if (state === undefined) return undefined;
      const operators: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) operators[names[i] as string] = state.states[i];
      const saved: SavedSymbol = { v: SNAPSHOT_VERSION, maxTime: state.maxTime, watermark: state.watermark, operators };
      return JSON.stringify(saved);
    },

    restore(symbol, snapshot) {
      const saved = snapshot as Partial<SavedSymbol>;
      if (saved.v !== SNAPSHOT_VERSION)
        throw new DecodeError(
          `window snapshot of ${symbol} has version ${JSON.stringify(saved.v)}, expected ${SNAPSHOT_VERSION}`,
        );
      if (
        typeof saved.maxTime !== 'number' ||
        typeof saved.watermark !== 'number' ||
        saved.operators === null ||
        typeof saved.operators !== 'object'
      ) {
        throw new DecodeError(`window snapshot of ${symbol} lacks maxTime, watermark or operators`);
      }
      const parts = structuredClone(saved.operators);
      bySymbol.set(symbol, {
        maxTime: saved.maxTime,
        watermark: saved.watermark,
        // A restore counts as an arrival: a consumer that restarts and then catches up on a
        // backlog must not find its restored windows idle and close them before the backlog lands.
        lastArrival: clock(),
        states: [
          bars.reviveState(symbol, parts[bars.name]),
          ...barOperators.map((operator) => operator.reviveState(symbol, parts[operator.name])),
        ],
      });
    },

    drop(symbol) {
      bySymbol.delete(symbol);
    },

    symbols() {
      return bySymbol.keys();
    },

    oldestOpenWindow(symbol) {
      const state = bySymbol.get(symbol);
      return state === undefined ? undefined : bars.oldestOpenWindow(state.states[0]);
    },

    watermark(symbol) {
      return bySymbol.get(symbol)?.watermark;
    },
  };
}

/**
 * A tick stamped further ahead of the wall clock than any clock drift explains would move the
 * symbol's watermark into the future and make every later good tick late (checkpointed, so a
 * restart would not heal it). Past data (replays, backfills) is never affected: only the future
 * is bounded.
 */
function futureTick(tick: Tick, arrivalMs: number, futureSkewMs: number): LateTick | undefined {
  if (tick.time - arrivalMs <= futureSkewMs) return undefined;
  const reason =
    `future tick: event time ${new Date(tick.time).toISOString()} of ${tick.symbol} is ${formatDuration(tick.time - arrivalMs)} ahead of the clock at arrival ` +
    `(${new Date(arrivalMs).toISOString()}), more than windows.maxFutureSkew ${formatDuration(futureSkewMs)}; check the source's clock`;
  return { tick, reason, stage: 'future' };
}
