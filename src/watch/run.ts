/**
 * The `watch` loop, in one process and without Kafka: source → the same window pipeline as
 * `consume` → the screen model → the display (full-screen table or lines), and optionally the
 * configured sinks.
 *
 * It stops when the user quits (q, Ctrl-C), on SIGINT/SIGTERM, at --limit, or when a finite source
 * (a replay) runs out. In the last two cases no more ticks can come, so every open window is closed
 * — the bounded-input rule of stream processors: the end of the input is the final watermark.
 */
import type { ChalkInstance } from 'chalk';
import type { Config } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import { DecodeError, decodeTick, encodeTick, type Tick, type WindowOutput } from '../model.ts';
import type { Source, SourceContext, SourceDeps } from '../sources/types.ts';
import type { SinkDeps } from '../sinks/types.ts';
import type { Logger } from '../ui/logger.ts';
import type { Output } from '../ui/output.ts';
import { createWindowPipeline, SessionCalendar } from '../windows/index.ts';
import { createLineDisplay, type WatchDisplay } from './display.ts';
import { createClockFormat } from '../display/format.ts';
import { lastCloseTicks } from './last-close.ts';
import {
  applyLateTick,
  applyOutput,
  applyTick,
  createWatchModel,
  markFinished,
  sampleRate,
  setStatus,
  type SymbolRow,
  type WatchModel,
} from '../display/live-model.ts';
import type { WatchViewOptions } from './options.ts';
import { createScreenDisplay } from './screen.ts';
import { createScreenLogger } from './screen-logger.ts';
import type { WatchSinks } from './sinks.ts';
import { indicatorColumns } from '../display/table.ts';
import { createTerminal, type TerminalStreams } from './terminal.ts';

export interface WatchRunOptions {
  /** Already adjusted by `watchConfig`. */
  config: Config;
  view: WatchViewOptions;
  /** The sources to run in order (a backfill, then the live source). */
  sources: Source[];
  logger: Logger;
  out: Output;
  /** Fires on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** NDJSON lines instead of plain ones (ignored with a terminal). */
  json: boolean;
  /** A terminal to take over; lines on `out` without one. */
  terminal?: TerminalStreams;
  colors: ChalkInstance;
  /** Secret config values, kept out of the status line. */
  secrets?: readonly string[];
  /** Yahoo's fetch and the clock, for tests. */
  deps?: SourceDeps;
  sinkDeps?: Omit<SinkDeps, 'logger'>;
  now?: () => number;
  /** Shown after the source names in the header, like the --web page's address. */
  headerNote?: string;
  /** Extra outputs (the --web page) that see what the display sees. */
  taps?: readonly WatchTap[];
}

/** Another view of the run: every accepted tick with its row, every window output, the status. */
export interface WatchTap {
  /** `tick` is undefined for a last close shown while the market is closed (no live tick). */
  row(row: SymbolRow, tick?: Tick): void;
  output(output: WindowOutput): void;
  status(text: string | undefined, finished: boolean): void;
}

export type StopReason = 'end' | 'limit' | 'quit' | 'signal' | 'error';

export interface WatchSummary {
  /** Ticks the sources handed over (the last closes shown while the market is closed are not). */
  ticks: number;
  late: number;
  invalid: number;
  stoppedBy: StopReason;
}

const TIMER_MS = 1000;
/** Far enough in the future that every open window closes: see the module comment. */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export async function runWatch(options: WatchRunOptions): Promise<WatchSummary> {
  const now = options.now ?? Date.now;
  const view = openView(options, now);
  const control = createStopControl(options.signal, view.display);
  const intake = createIntake(options, view, control, now);
  let timer: NodeJS.Timeout | undefined;
  try {
    if (options.view.sink) intake.sinks = await openSinks(options, view.runLogger, control);
    view.display.start();
    sampleRate(view.model, now());
    timer = setInterval(() => intake.onTimer(now()), TIMER_MS);
    showLastCloses(options, view, intake.context(options.sources.at(-1)!), control.stop.signal, now);
    for (const source of options.sources) {
      if (control.stop.signal.aborted) break;
      await source.run(intake.context(source));
    }
    intake.sourceDone = true;
    if (control.stoppedBy === undefined || control.stoppedBy === 'limit')
      await finishInput(options, view, intake, control);
    if (control.failure) throw control.failure;
  } finally {
    if (timer) clearInterval(timer);
    control.stop.abort();
    try {
      // Still listening for the signal: a Ctrl-C while the sinks catch up ends the wait.
      await intake.sinks?.close();
    } finally {
      control.dispose();
      view.display.close();
      view.screenLogger?.release();
    }
  }
  return {
    ticks: intake.received,
    late: view.model.lateTicks,
    invalid: intake.invalid,
    stoppedBy: control.stoppedBy ?? 'end',
  };
}

/** What the user sees: the screen model, and the full-screen table on a terminal or lines without one. */
interface View {
  model: WatchModel;
  display: WatchDisplay;
  terminal?: ReturnType<typeof createTerminal>;
  /** On a terminal, log lines become the status line (and are released at the end). */
  screenLogger?: ReturnType<typeof createScreenLogger>;
  runLogger: Logger;
}

/** A replay plays every symbol of its file; the configured list would only show empty rows. */
function playsEverySymbol({ config, view }: WatchRunOptions): boolean {
  return config.source.name === 'replay' && !view.symbolsFromArguments;
}

function openView(options: WatchRunOptions, now: () => number): View {
  const { config, view, logger } = options;
  const model: WatchModel = createWatchModel({
    source: [options.sources.map((source) => source.name).join(' → '), options.headerNote]
      .filter(Boolean)
      .join('  ·  '),
    symbols: playsEverySymbol(options) ? [] : config.symbols,
    interval: view.interval,
    sparkBars: view.sparkBars,
    sort: view.sort,
    calendar: new SessionCalendar(config.windows.timezone),
  });
  const terminal = options.terminal ? createTerminal(options.terminal) : undefined;
  const screenLogger = terminal
    ? createScreenLogger(logger, (text) => setStatus(model, text), options.secrets)
    : undefined;
  const display: WatchDisplay = terminal
    ? createScreenDisplay({
        model,
        terminal,
        look: {
          colors: options.colors,
          indicators: indicatorColumns(config.windows),
          clock: createClockFormat(config.windows.timezone),
          dateClock: createClockFormat(config.windows.timezone, true),
        },
        now,
      })
    : createLineDisplay(model, options.out, options.json);
  return { model, display, terminal, screenLogger, runLogger: screenLogger ?? logger };
}

/** Why and how the run stops: `stop` ends the sources; `userStop` (Ctrl-C, q, SIGTERM) also cuts the sinks' wait short. */
interface StopControl {
  stop: AbortController;
  userStop: AbortController;
  stoppedBy: StopReason | undefined;
  failure: Error | undefined;
  halt(reason: StopReason): void;
  dispose(): void;
}

function createStopControl(signal: AbortSignal, display: WatchDisplay): StopControl {
  const control: StopControl = {
    stop: new AbortController(),
    userStop: new AbortController(),
    stoppedBy: undefined,
    failure: undefined,
    halt(reason) {
      control.stoppedBy ??= reason;
      control.stop.abort(reason);
      if (reason === 'signal' || reason === 'quit') control.userStop.abort(reason);
    },
    dispose: () => signal.removeEventListener('abort', onSignal),
  };
  const onSignal = () => control.halt('signal');
  signal.addEventListener('abort', onSignal, { once: true });
  void display.quit.then(() => control.halt('quit'));
  return control;
}

/** Ticks in: checked, through the windows, onto the model, the display, the taps and the sinks. */
interface Intake {
  sinks: WatchSinks | undefined;
  sourceDone: boolean;
  /** Ticks the sources handed over, for --limit. */
  received: number;
  invalid: number;
  context(source: Source): SourceContext;
  onTimer(time: number): void;
  /** Hands what waits for the sinks to them, and waits while their buffers are full. */
  flushSinks(): Promise<void>;
  /** The end of a finite input is the final watermark (module comment): every open window closes. */
  closeAll(): void;
}

function createIntake(options: WatchRunOptions, view: View, control: StopControl, now: () => number): Intake {
  const { config } = options;
  const { model, display, runLogger } = view;
  const taps = options.taps ?? [];
  const pipeline = createWindowPipeline(config.windows, { clock: now });
  const wanted = playsEverySymbol(options) ? undefined : new Set(config.symbols);
  const limit = options.view.limit ?? Number.POSITIVE_INFINITY;
  const outputs: WindowOutput[] = [];
  /** What the sinks get from one batch: ticks and outputs in order. */
  const forSinks: WindowOutput[] = [];

  /** Shows (and keeps for the sinks) what the windows give out. */
  const show = (list: readonly WindowOutput[]) => {
    for (const output of list) {
      applyOutput(model, output);
      display.output(output);
      for (const tap of taps) tap.output(output);
    }
    if (intake.sinks) for (const output of list) forSinks.push(output);
  };

  const intake: Intake = {
    sinks: undefined,
    sourceDone: false,
    received: 0,
    invalid: 0,
    async flushSinks() {
      if (!intake.sinks || forSinks.length === 0) return;
      intake.sinks.add(forSinks.splice(0));
      await intake.sinks.room();
    },
    onTimer(time) {
      if (!intake.sourceDone) {
        outputs.length = 0;
        pipeline.onTimer(time, outputs);
        show(outputs);
        void intake.flushSinks();
      }
      sampleRate(model, time);
      display.refresh(time);
    },
    context: (source) => ({
      symbols: config.symbols,
      signal: control.stop.signal,
      logger: runLogger,
      emit,
      status: (text) => {
        setStatus(model, text);
        for (const tap of taps) tap.status(text, false);
        if (!view.terminal) options.logger.info(`${source.name}: ${text}`, { source: source.name, status: text });
        display.refresh(now());
      },
      reject: async (raw, reason) => {
        intake.invalid += 1;
        runLogger.warn(`${source.name}: skipped input it could not read (${reason}): ${raw.slice(0, 80)}`);
      },
    }),
    closeAll() {
      outputs.length = 0;
      pipeline.onTimer(END_OF_INPUT, outputs);
      show(outputs);
    },
  };

  const take = (tick: Tick, arrival: number) => {
    let clean: Tick;
    try {
      // The consume engine decodes every message; the same check keeps bad source data out here.
      clean = decodeTick(encodeTick(tick));
    } catch (error) {
      intake.invalid += 1;
      runLogger.warn(
        `skipped a bad tick of ${String(tick.symbol)}: ${error instanceof DecodeError ? error.message : String(error)}`,
      );
      return;
    }
    outputs.length = 0;
    let late;
    try {
      late = pipeline.push(clean, outputs, arrival);
    } catch (error) {
      // Defence in depth, as in consume: one tick that breaks the windows is skipped, not fatal.
      applyLateTick(model, 'process');
      runLogger.warn(`skipped a tick of ${clean.symbol} that failed to process: ${errorMessage(error)}`);
      return;
    }
    if (late) {
      applyLateTick(model, late.stage ?? 'late');
      runLogger.debug(`${late.stage ?? 'late'} tick skipped: ${late.reason}`, {
        symbol: clean.symbol,
        time: clean.time,
      });
      return;
    }
    // History (a warm start, a backfill) fills bars and indicators but fires no live alerts.
    show(clean.backfill === true ? outputs.filter((output) => output.kind !== 'alert') : outputs);
    if (intake.sinks) forSinks.push({ kind: 'tick', tick: clean });
    const row = applyTick(model, clean);
    display.tick(row, arrival);
    for (const tap of taps) tap.row(row, clean);
  };

  const emit = async (ticks: Tick[]) => {
    if (control.stop.signal.aborted) return;
    const arrival = now();
    for (const tick of ticks) {
      if (intake.received >= limit) break;
      if (wanted && !wanted.has(tick.symbol)) continue;
      // --limit counts live ticks: the history of a warm start only fills the indicators.
      if (tick.backfill !== true) intake.received += 1;
      take(tick, arrival);
    }
    if (intake.received >= limit) control.halt('limit');
    display.refresh(arrival);
    await intake.flushSinks();
  };
  return intake;
}

async function openSinks(options: WatchRunOptions, runLogger: Logger, control: StopControl): Promise<WatchSinks> {
  // Loaded only here: the sink modules bring the InfluxDB, PostgreSQL and Kafka clients.
  const { openWatchSinks } = await import('./sinks.ts');
  const sinkDeps = {
    ...options.sinkDeps,
    json: options.json,
    out: options.out,
    tty: false,
    logger: runLogger,
    signal: control.stop.signal,
  };
  return openWatchSinks(options.config, sinkDeps, runLogger, {
    onFailed: (error) => {
      control.failure = error;
      control.halt('error');
    },
    stopped: control.userStop.signal,
  });
}

/** The last close of every symbol while the market is closed. Not awaited: the live source does not wait for it, and a quit does not either. */
function showLastCloses(
  options: WatchRunOptions,
  view: View,
  context: SourceContext,
  stopped: AbortSignal,
  now: () => number,
): void {
  const taps = options.taps ?? [];
  void lastCloseTicks(options.config, context, options.deps).then(
    (ticks) => {
      if (stopped.aborted) return;
      for (const tick of ticks) {
        const row = applyTick(view.model, tick);
        view.display.tick(row, now());
        for (const tap of taps) tap.row(row);
      }
      view.display.refresh(now());
    },
    (error: unknown) => view.runLogger.warn(`could not look up the last close: ${errorMessage(error)}`),
  );
}

/** The input ended (or --limit was reached): close every window, show the final table, and on a terminal wait for the user. */
async function finishInput(options: WatchRunOptions, view: View, intake: Intake, control: StopControl): Promise<void> {
  control.stoppedBy ??= 'end';
  intake.closeAll();
  await intake.flushSinks();
  markFinished(view.model);
  for (const tap of options.taps ?? []) tap.status(view.model.status, true);
  view.display.finish();
  // On a terminal the final table stays until the user has seen it and quits.
  if (view.terminal) await Promise.race([view.display.quit, whenAborted(options.signal)]);
}
