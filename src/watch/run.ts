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
  const { config, view, logger } = options;
  const taps = options.taps ?? [];
  const now = options.now ?? Date.now;
  const calendar = new SessionCalendar(config.windows.timezone);
  // A replay plays every symbol of its file; the configured list would only show empty rows.
  const everySymbol = config.source.name === 'replay' && !view.symbolsFromArguments;
  const wanted = everySymbol ? undefined : new Set(config.symbols);
  const model: WatchModel = createWatchModel({
    source: [options.sources.map((source) => source.name).join(' → '), options.headerNote]
      .filter(Boolean)
      .join('  ·  '),
    symbols: everySymbol ? [] : config.symbols,
    interval: view.interval,
    sparkBars: view.sparkBars,
    sort: view.sort,
    calendar,
  });
  const pipeline = createWindowPipeline(config.windows, { clock: now });
  const terminal = options.terminal ? createTerminal(options.terminal) : undefined;
  const screenLogger = terminal
    ? createScreenLogger(logger, (text) => setStatus(model, text), options.secrets)
    : undefined;
  const runLogger = screenLogger ?? logger;
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

  const stop = new AbortController();
  const limit = view.limit ?? Number.POSITIVE_INFINITY;
  let stoppedBy: StopReason | undefined;
  let failure: Error | undefined;
  let invalid = 0;
  /** Ticks the sources handed over, for --limit. */
  let received = 0;
  let sinks: WatchSinks | undefined;
  /** The user stopped (Ctrl-C, q, SIGTERM): the sinks get a few seconds more, not forever. */
  const userStop = new AbortController();
  const halt = (reason: StopReason) => {
    stoppedBy ??= reason;
    stop.abort(reason);
    if (reason === 'signal' || reason === 'quit') userStop.abort(reason);
  };
  const onSignal = () => halt('signal');
  options.signal.addEventListener('abort', onSignal, { once: true });
  void display.quit.then(() => halt('quit'));

  const outputs: WindowOutput[] = [];
  /** What the sinks get from one batch: ticks and outputs in order. */
  const forSinks: WindowOutput[] = [];

  const show = (list: readonly WindowOutput[]) => {
    for (const output of list) {
      applyOutput(model, output);
      display.output(output);
      for (const tap of taps) tap.output(output);
    }
    if (sinks) for (const output of list) forSinks.push(output);
  };

  const take = (tick: Tick, arrival: number) => {
    let clean: Tick;
    try {
      // The consume engine decodes every message; the same check keeps bad source data out here.
      clean = decodeTick(encodeTick(tick));
    } catch (error) {
      invalid += 1;
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
    if (sinks) forSinks.push({ kind: 'tick', tick: clean });
    const row = applyTick(model, clean);
    display.tick(row, arrival);
    for (const tap of taps) tap.row(row, clean);
  };

  const flushSinks = async () => {
    if (!sinks || forSinks.length === 0) return;
    sinks.add(forSinks.splice(0));
    await sinks.room();
  };

  const emit = async (ticks: Tick[]) => {
    if (stop.signal.aborted) return;
    const arrival = now();
    for (const tick of ticks) {
      if (received >= limit) break;
      if (wanted && !wanted.has(tick.symbol)) continue;
      // --limit counts live ticks: the history of a warm start only fills the indicators.
      if (tick.backfill !== true) received += 1;
      take(tick, arrival);
    }
    if (received >= limit) halt('limit');
    display.refresh(arrival);
    await flushSinks();
  };

  const context = (source: Source): SourceContext => ({
    symbols: config.symbols,
    signal: stop.signal,
    logger: runLogger,
    emit,
    status: (text) => {
      setStatus(model, text);
      for (const tap of taps) tap.status(text, false);
      if (!terminal) logger.info(`${source.name}: ${text}`, { source: source.name, status: text });
      display.refresh(now());
    },
    reject: async (raw, reason) => {
      invalid += 1;
      runLogger.warn(`${source.name}: skipped input it could not read (${reason}): ${raw.slice(0, 80)}`);
    },
  });

  let sourceDone = false;
  const onTimer = () => {
    const time = now();
    if (!sourceDone) {
      outputs.length = 0;
      pipeline.onTimer(time, outputs);
      show(outputs);
      void flushSinks();
    }
    sampleRate(model, time);
    display.refresh(time);
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    if (view.sink) {
      // Loaded only here: the sink modules bring the InfluxDB, PostgreSQL and Kafka clients.
      const { openWatchSinks } = await import('./sinks.ts');
      const sinkDeps = {
        ...options.sinkDeps,
        json: options.json,
        out: options.out,
        tty: false,
        logger: runLogger,
        signal: stop.signal,
      };
      sinks = await openWatchSinks(config, sinkDeps, runLogger, {
        onFailed: (error) => {
          failure = error;
          halt('error');
        },
        stopped: userStop.signal,
      });
    }
    display.start();
    sampleRate(model, now());
    timer = setInterval(onTimer, TIMER_MS);
    // Not awaited: the live source does not wait for it, and a quit does not either.
    void lastCloseTicks(config, context(options.sources.at(-1)!), options.deps).then(
      (ticks) => {
        if (stop.signal.aborted) return;
        for (const tick of ticks) {
          const row = applyTick(model, tick);
          display.tick(row, now());
          for (const tap of taps) tap.row(row);
        }
        display.refresh(now());
      },
      (error: unknown) => runLogger.warn(`could not look up the last close: ${errorMessage(error)}`),
    );
    for (const source of options.sources) {
      if (stop.signal.aborted) break;
      await source.run(context(source));
    }
    sourceDone = true;
    if (stoppedBy === undefined || stoppedBy === 'limit') {
      stoppedBy ??= 'end';
      outputs.length = 0;
      pipeline.onTimer(END_OF_INPUT, outputs);
      show(outputs);
      await flushSinks();
      markFinished(model);
      for (const tap of taps) tap.status(model.status, true);
      display.finish();
      // On a terminal the final table stays until the user has seen it and quits.
      if (terminal) await Promise.race([display.quit, whenAborted(options.signal)]);
    }
    if (failure) throw failure;
  } finally {
    if (timer) clearInterval(timer);
    stop.abort();
    try {
      // Still listening for the signal: a Ctrl-C while the sinks catch up ends the wait.
      await sinks?.close();
    } finally {
      options.signal.removeEventListener('abort', onSignal);
      display.close();
      screenLogger?.release();
    }
  }
  return { ticks: received, late: model.lateTicks, invalid, stoppedBy: stoppedBy ?? 'end' };
}
