/**
 * `watch` when stdout is not a terminal: one line per symbol update, throttled to one per symbol
 * per `throttleMs` of wall clock (a pipe or a log file cannot take thousands of lines a second),
 * plus a line for every closed bar and every alert (in the console sink's format); NDJSON with
 * --json (the file and console sinks' record shape, plus `tick-summary`). The latest update of every
 * symbol is always written in the end, so the last line of a symbol is its final state.
 */
import type { Tick, WindowOutput } from '../model.ts';
import { alertText, barText } from '../sinks/console/console.ts';
import { outputRecord } from '../sinks/file/file.ts';
import type { Output } from '../ui/output.ts';
import { formatIso, formatPrice, formatSignedPercent, formatSignedPrice } from './format.ts';
import { changeOf, type SymbolRow, type WatchModel } from './model.ts';

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

export interface TickSummary {
  kind: 'tick-summary';
  symbol: string;
  time: number;
  price: number;
  /** What change is measured against (previous close, or a stand-in named by referenceKind). */
  reference?: number;
  referenceKind?: string;
  change?: number;
  changePct?: number;
  dayHigh?: number;
  dayLow?: number;
  dayVolume?: number;
  marketState?: string;
  /** Final bars of the watched interval so far; unknown for a tick read on its own (`tail`). */
  bars?: number;
}

export function tickSummary(row: SymbolRow): TickSummary | undefined {
  if (row.price === undefined || row.time === undefined) return undefined;
  const change = changeOf(row);
  return {
    kind: 'tick-summary',
    symbol: row.symbol,
    time: row.time,
    price: row.price,
    reference: row.reference,
    referenceKind: row.referenceKind,
    change: change?.absolute,
    changePct: change?.percent,
    dayHigh: row.dayHigh,
    dayLow: row.dayLow,
    dayVolume: row.dayVolume,
    marketState: row.marketState,
    bars: row.bars,
  };
}

/**
 * A tick on its own, as `tail` reads it from the topic: no row history, so the change is against
 * the tick's own previous close (the reference watch prefers too) and there is no bar count.
 */
export function tickOnlySummary(tick: Tick): TickSummary {
  const reference = tick.previousClose;
  const change =
    reference !== undefined && reference !== 0
      ? changeOf({ symbol: tick.symbol, price: tick.price, reference, ticks: 1, closes: [], bars: 0, indicators: {} })
      : undefined;
  return {
    kind: 'tick-summary',
    symbol: tick.symbol,
    time: tick.time,
    price: tick.price,
    reference,
    referenceKind: reference === undefined ? undefined : 'previous-close',
    change: change?.absolute,
    changePct: change?.percent,
    dayHigh: tick.dayHigh,
    dayLow: tick.dayLow,
    dayVolume: tick.dayVolume,
    marketState: tick.marketState,
  };
}

const MARKET_WORD: Record<string, string> = { PRE: 'pre', REGULAR: 'open', POST: 'post', CLOSED: 'closed' };

/**
 * `tick      AAPL 2026-03-02T14:31:05.000Z last=187.23 chg=+1.23 chg%=+0.66 low=185.10 high=188.00 vol=1234567 bars=12 market=open`
 * — the key=value shape of the console sink's bar and alert lines, so one grep or awk fits all.
 */
export function summaryLine(summary: TickSummary): string {
  const parts = [`tick      ${summary.symbol} ${formatIso(summary.time)} last=${formatPrice(summary.price)}`];
  if (summary.change !== undefined && summary.changePct !== undefined) {
    parts.push(
      `chg=${formatSignedPrice(summary.change, summary.price)} chg%=${formatSignedPercent(summary.changePct)}`,
    );
  }
  if (summary.dayLow !== undefined && summary.dayHigh !== undefined)
    parts.push(`low=${formatPrice(summary.dayLow)} high=${formatPrice(summary.dayHigh)}`);
  if (summary.dayVolume !== undefined) parts.push(`vol=${Math.round(summary.dayVolume)}`);
  if (summary.bars !== undefined) parts.push(`bars=${summary.bars}`);
  if (summary.marketState !== undefined)
    parts.push(`market=${MARKET_WORD[summary.marketState] ?? summary.marketState}`);
  return parts.join(' ');
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
