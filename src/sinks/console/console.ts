/**
 * The `console` sink: NDJSON records on stdout with `--json` (pipe it to jq), a live table redrawn
 * in place on an interactive terminal, and one plain line per closed bar, indicator point and
 * alert otherwise (logs, pipes, CI).
 */
import chalk from 'chalk';
import type { Config } from '../../config/schema.ts';
import { createClockFormat } from '../../display/format.ts';
import { applyOutput, applyTick, createWatchModel } from '../../display/live-model.ts';
import { outputRecord, outputText } from '../../display/records.ts';
import { indicatorColumns, renderRows } from '../../display/table.ts';
import type { WindowOutput } from '../../model.ts';
import { SessionCalendar } from '../../windows/index.ts';
import type { Sink, SinkDeps, SinkModule } from '../types.ts';

const REDRAW_MS = 500;
/** Closes in the sparkline, as watch shows by default. */
const SPARK_BARS = 20;
/** When the stream does not say how wide it is. */
const DEFAULT_COLUMNS = 120;

function linesSink(format: (output: WindowOutput) => void): Sink {
  return {
    name: 'console',
    accepts: (output) =>
      output.kind === 'indicator' || output.kind === 'alert' || (output.kind === 'bar' && output.bar.final),
    async write(batch) {
      for (const output of batch) format(output);
    },
    close: async () => {},
  };
}

/**
 * The console sink's table on a terminal is watch's live table (its model and its rows,
 * src/display) — the table only, without watch's full-screen header, alerts and keys, since
 * consume keeps logging above it.
 */
export interface ConsoleTable {
  update(output: WindowOutput): void;
  /** Moves whenever what `render` shows changed. */
  readonly version: number;
  render(columns: number): string[];
}

export function createConsoleTable(windows: Config['windows']): ConsoleTable {
  const model = createWatchModel({
    source: 'consume',
    symbols: [],
    // The first configured interval (the shortest, on the defaults): the liveliest bars.
    interval: windows.bars.intervals[0]!,
    sparkBars: SPARK_BARS,
    sort: 'symbol',
    calendar: new SessionCalendar(windows.timezone),
  });
  const look = {
    colors: chalk,
    indicators: indicatorColumns(windows),
    clock: createClockFormat(windows.timezone),
    dateClock: createClockFormat(windows.timezone, true),
  };
  return {
    update(output) {
      if (output.kind === 'tick') applyTick(model, output.tick);
      else applyOutput(model, output);
    },
    get version() {
      return model.version;
    },
    render: (columns) => renderRows(model, { ...look, columns }),
  };
}

/** Redraws the table in place below the log lines, at most every REDRAW_MS and only when it changed. */
function tableSink(windows: Config['windows'], stream: NodeJS.WriteStream): Sink {
  const table = createConsoleTable(windows);
  let drawn = 0;
  let drawnVersion = table.version;
  const redraw = () => {
    if (table.version === drawnVersion) return;
    drawnVersion = table.version;
    const lines = table.render(stream.columns ?? DEFAULT_COLUMNS);
    // Back to the first line of the previous table, clear below, draw again.
    stream.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(redraw, REDRAW_MS);
  return {
    name: 'console',
    accepts: () => true,
    async write(batch) {
      for (const output of batch) table.update(output);
    },
    close: async () => {
      clearInterval(timer);
      redraw();
    },
  };
}

export function createConsoleSink(deps: Pick<SinkDeps, 'json' | 'tty' | 'out'>, windows: Config['windows']): Sink {
  if (deps.json) return linesSink((output) => deps.out.record(outputRecord(output)));
  if (deps.tty) return tableSink(windows, process.stdout);
  return linesSink((output) => {
    const text = outputText(output);
    if (text !== undefined) deps.out.line(text);
  });
}

export const consoleSink: SinkModule = {
  create: async (config, deps) => createConsoleSink(deps, config.windows),
};
