/**
 * `watch` when stdout is not a terminal: one line per symbol update, throttled to one per symbol
 * per `throttleMs` of wall clock (a pipe or a log file cannot take thousands of lines a second),
 * plus a line for every closed bar and every alert (in the console sink's format); NDJSON with
 * --json (the file and console sinks' record shape, plus `tick-summary`). The latest update of every
 * symbol is always written in the end, so the last line of a symbol is its final state.
 */
import type { SymbolRow, WatchModel } from '../display/live-model.ts';
import { alertText, barText, outputRecord, summaryLine, tickSummary } from '../display/records.ts';
import type { WindowOutput } from '../model.ts';
import type { Output } from '../ui/output.ts';

export interface LinePrinter {
  /** A symbol changed (a tick was applied to its row). */
  update(row: SymbolRow, now: number): void;
  output(output: WindowOutput): void;
  /** Writes the throttled updates whose time has come. */
  tick(now: number): void;
  /** Writes every update not yet written. */
  flush(): void;
}

export interface LinePrinterOptions {
  model: WatchModel;
  out: Output;
  json: boolean;
  throttleMs?: number;
}

export function createLinePrinter({ model, out, json, throttleMs = 1000 }: LinePrinterOptions): LinePrinter {
  const lastWritten = new Map<string, number>();
  const pending = new Set<string>();

  const write = (symbol: string, now: number) => {
    pending.delete(symbol);
    lastWritten.set(symbol, now);
    const row = model.rows.get(symbol);
    const summary = row && tickSummary(row);
    if (!summary) return;
    if (json) out.record(summary);
    else out.line(summaryLine(summary));
  };

  return {
    update(row, now) {
      const last = lastWritten.get(row.symbol);
      if (last === undefined || now - last >= throttleMs) write(row.symbol, now);
      else pending.add(row.symbol);
    },
    output(output) {
      if (output.kind === 'tick' || (output.kind === 'bar' && !output.bar.final)) return;
      if (json) out.record(outputRecord(output));
      else if (output.kind === 'bar') out.line(barText(output.bar));
      else if (output.kind === 'alert') out.line(alertText(output.alert));
    },
    tick(now) {
      for (const symbol of [...pending]) {
        if (now - (lastWritten.get(symbol) ?? -Infinity) >= throttleMs) write(symbol, now);
      }
    },
    flush() {
      for (const symbol of [...pending].sort()) write(symbol, lastWritten.get(symbol) ?? 0);
    },
  };
}
