/**
 * The console sink's live table: the latest price, bar, indicators and alert per symbol, as lines
 * of text. Pure (no terminal I/O), so it can be tested and redrawn at any pace.
 */
import chalk from 'chalk';
import type { Bar, WindowOutput } from '../../model.ts';

interface Row {
  price?: number;
  reference?: number;
  bar?: Bar;
  rsi?: number;
  trend?: string;
  alert?: string;
}

export interface LiveTable {
  update(output: WindowOutput): void;
  render(): string[];
}

const COLUMNS = ['SYMBOL', 'PRICE', 'CHG%', 'BAR', 'VOLUME', 'VWAP', 'RSI', 'TREND', 'LAST ALERT'];

function hhmm(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 16);
}

function fixed(value: number | undefined, digits = 2): string {
  return value === undefined ? '' : value.toFixed(digits);
}

export function createLiveTable(): LiveTable {
  const rows = new Map<string, Row>();
  const rowOf = (symbol: string) => {
    let row = rows.get(symbol);
    if (!row) rows.set(symbol, (row = {}));
    return row;
  };

  return {
    update(output) {
      switch (output.kind) {
        case 'tick': {
          const row = rowOf(output.tick.symbol);
          row.price = output.tick.price;
          row.reference = output.tick.previousClose ?? row.reference ?? output.tick.price;
          break;
        }
        case 'bar': {
          const row = rowOf(output.bar.symbol);
          // The shortest interval is the liveliest; keep showing it.
          if (
            !row.bar ||
            row.bar.interval === output.bar.interval ||
            output.bar.end - output.bar.start < row.bar.end - row.bar.start
          )
            row.bar = output.bar;
          row.price ??= output.bar.close;
          row.reference ??= output.bar.open;
          break;
        }
        case 'indicator': {
          const row = rowOf(output.point.symbol);
          const rsi = Object.keys(output.point.values).find((key) => key.startsWith('rsi'));
          if (rsi) row.rsi = output.point.values[rsi];
          if (output.point.trend) row.trend = output.point.trend;
          break;
        }
        case 'alert':
          rowOf(output.alert.symbol).alert = `${hhmm(output.alert.time)} ${output.alert.rule}`;
          break;
      }
    },
    render() {
      const body = [...rows.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([symbol, row]) => {
          const change =
            row.price !== undefined && row.reference ? ((row.price - row.reference) / row.reference) * 100 : undefined;
          return [
            symbol,
            fixed(row.price),
            change === undefined ? '' : `${change >= 0 ? '+' : ''}${change.toFixed(2)}`,
            row.bar ? `${row.bar.interval}@${hhmm(row.bar.start)}${row.bar.final ? '' : '*'}` : '',
            row.bar ? String(Math.round(row.bar.volume)) : '',
            fixed(row.bar?.vwap),
            fixed(row.rsi, 1),
            row.trend ?? '',
            row.alert ?? '',
          ];
        });
      const widths = COLUMNS.map((title, i) => Math.max(title.length, ...body.map((cells) => cells[i]!.length)));
      const line = (cells: string[]) =>
        cells
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      return [
        chalk.bold(line(COLUMNS)),
        ...body.map((cells) => {
          const text = line(cells);
          const change = cells[2] ?? '';
          return change.startsWith('-') ? chalk.red(text) : change.startsWith('+') ? chalk.green(text) : text;
        }),
      ];
    },
  };
}
