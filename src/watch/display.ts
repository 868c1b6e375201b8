/**
 * Where `watch` shows the model: the full-screen table on a terminal, or lines (plain or NDJSON)
 * when stdout is a pipe or a file. The run loop updates the model and tells the display what
 * changed; the display decides when and how to show it.
 */
import type { WindowOutput } from '../model.ts';
import type { Output } from '../ui/output.ts';
import { createLinePrinter } from './lines.ts';
import type { SymbolRow, WatchModel } from '../display/live-model.ts';

export interface WatchDisplay {
  start(): void;
  /** A tick changed this row (after the outputs it closed were given to `output`). */
  tick(row: SymbolRow, now: number): void;
  output(output: WindowOutput): void;
  /** After each batch and about once a second. */
  refresh(now: number): void;
  /** The source ended: show what is left. */
  finish(): void;
  /** Resolves when the user asks to quit from the keyboard (never, without a keyboard). */
  readonly quit: Promise<void>;
  /** Puts the terminal back; safe to call twice. */
  close(): void;
}

const NEVER = new Promise<void>(() => {});

export function createLineDisplay(model: WatchModel, out: Output, json: boolean): WatchDisplay {
  const printer = createLinePrinter({ model, out, json });
  return {
    start() {},
    tick: (row, now) => printer.update(row, now),
    output: (output) => printer.output(output),
    refresh: (now) => printer.tick(now),
    finish: () => printer.flush(),
    quit: NEVER,
    close: () => printer.flush(),
  };
}
