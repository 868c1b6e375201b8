/**
 * Window operators are synchronous and pure over their own state: ticks and time in, outputs out.
 * That makes them testable without servers, fast on the hot path, and shared by `consume` and `watch`.
 */
import type { Tick, WindowOutput } from '../model.ts';

/** A tick that arrived after its window was closed (event time < watermark); it goes to the DLQ. */
export interface LateTick {
  tick: Tick;
  reason: string;
}

/** Serializable (JSON) state of one symbol: open windows, indicator state, alert cooldowns. */
export type SymbolSnapshot = Record<string, unknown>;

export interface WindowPipeline {
  /**
   * Feeds one tick. Appends to `out` whatever it closes (bars, then the indicators and alerts those
   * bars produce). Returns a LateTick instead of using the tick when it is too late for its window.
   * `arrivalMs` is the wall clock when the tick was received (drives the idle timer).
   */
  push(tick: Tick, out: WindowOutput[], arrivalMs?: number): LateTick | undefined;
  /**
   * Wall-clock timer: closes windows of symbols that have been quiet for `idleTimeout`, as if their
   * watermark had moved on with the clock, and emits interim bars when configured.
   */
  onTimer(nowMs: number, out: WindowOutput[]): void;
  /** The state of one symbol, to persist; undefined when the pipeline holds nothing for it. */
  snapshot(symbol: string): SymbolSnapshot | undefined;
  /** Puts back a snapshot taken by `snapshot` (after a restart or a rebalance). */
  restore(symbol: string, snapshot: SymbolSnapshot): void;
  /** Forgets a symbol (its partition moved to another consumer). */
  drop(symbol: string): void;
  /** Symbols with state. */
  symbols(): Iterable<string>;
  /** Earliest start of any open window of this symbol, or undefined. */
  oldestOpenWindow(symbol: string): number | undefined;
}
