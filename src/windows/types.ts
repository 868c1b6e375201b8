/**
 * Window operators are synchronous and pure over their own state: ticks and time in, outputs out.
 * That makes them testable without servers, fast on the hot path, and shared by `consume` and `watch`.
 */
import type { Bar, Tick, WindowOutput } from '../model.ts';
import type { SessionCalendar } from './calendar.ts';
import type { WindowSettings, WindowsConfig } from './settings.ts';

/** A tick that arrived after its window was closed (event time < watermark); it goes to the DLQ. */
export interface LateTick {
  tick: Tick;
  reason: string;
  /** `future` when its event time lies beyond windows.maxFutureSkew ahead of its arrival; else late. */
  stage?: 'late' | 'future';
}

/** Serializable (JSON) state of one symbol: open windows, indicator state, alert cooldowns. */
export type SymbolSnapshot = Record<string, unknown>;

export interface WindowPipeline {
  /**
   * Feeds one tick. Appends to `out` whatever it closes (bars, then the indicators and alerts those
   * bars produce). Returns a LateTick instead of using the tick when it is too late for its window.
   * `arrivalMs` is the wall clock when the tick was received (drives the idle timer); the
   * pipeline's clock when left out.
   */
  push(tick: Tick, out: WindowOutput[], arrivalMs?: number): LateTick | undefined;
  /**
   * Wall-clock timer: closes windows of symbols that have been quiet for `idleTimeout`, as if their
   * watermark had moved on with the clock, and emits interim bars when configured.
   */
  onTimer(nowMs: number, out: WindowOutput[]): void;
  /**
   * The state of one symbol as JSON, to persist; undefined when the pipeline holds nothing for it.
   * A string rather than an object copy: the checkpoint writes it as it is, and serialising the live
   * state once is cheaper than cloning it first.
   */
  serialize(symbol: string): string | undefined;
  /** Puts back a snapshot (the parsed JSON of `serialize`) after a restart or a rebalance. */
  restore(symbol: string, snapshot: SymbolSnapshot): void;
  /** Forgets a symbol (its partition moved to another consumer). */
  drop(symbol: string): void;
  /** Symbols with state. */
  symbols(): Iterable<string>;
  /** Earliest start of any open window of this symbol, or undefined. */
  oldestOpenWindow(symbol: string): number | undefined;
  /** Config problems that do not stop the pipeline (like an alert rule on an interval no bar has); log them. */
  readonly warnings: readonly string[];
  /** Current watermark of a symbol (event time up to which its windows are closed), or undefined. */
  watermark(symbol: string): number | undefined;
}

/** What every operator gets at creation: the parsed settings and the exchange calendar. */
export interface OperatorEnv {
  settings: WindowSettings;
  calendar: SessionCalendar;
}

/**
 * Per-symbol state of an operator is plain JSON data (no classes, no functions), so a snapshot is
 * a copy of it and a restore is a check of it.
 */
export interface StatefulOperator<S> {
  readonly name: string;
  createState(symbol: string): S;
  /** Turns a snapshot part back into live state; parts the current config no longer matches start fresh. */
  reviveState(symbol: string, saved: unknown): S;
}

/** The operator that turns ticks into bars: it owns the open windows. */
export interface TickOperator<S> extends StatefulOperator<S> {
  /** Adds a tick to its open windows; returns why it is late instead when one of them closed already. */
  addTick(state: S, tick: Tick, watermark: number): string | undefined;
  /** Closes every window that ends at or before the watermark, appending final bars in order. */
  close(state: S, watermark: number, closed: Bar[]): void;
  /** Appends the open windows that changed since the last call, as `final: false` bars. */
  interim(state: S, out: WindowOutput[]): void;
  oldestOpenWindow(state: S): number | undefined;
}

/** An operator that reacts to closed (final) bars: indicators, alerts. */
export interface BarOperator<S> extends StatefulOperator<S> {
  onBar(state: S, bar: Bar, out: WindowOutput[]): void;
}

interface OperatorModuleBase {
  name: string;
  description: string;
  /** A config snippet that shows its options (for help and README). */
  example: string;
}

export interface TickOperatorModule extends OperatorModuleBase {
  stage: 'ticks';
  create(windows: WindowsConfig, env: OperatorEnv): TickOperator<unknown>;
}

export interface BarOperatorModule extends OperatorModuleBase {
  stage: 'bars';
  /** Undefined when the config turns the operator off. */
  create(windows: WindowsConfig, env: OperatorEnv): BarOperator<unknown> | undefined;
}

export type WindowOperatorModule = TickOperatorModule | BarOperatorModule;
