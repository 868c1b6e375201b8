/**
 * Renders the screen model as the lines of the full-screen table: a header, the source status, one
 * row per symbol, the latest alerts and a key hint, fitted to the terminal (fit.ts). Pure: colours
 * come in as a chalk instance (level 0 when NO_COLOR or --no-color), the terminal size and clock as
 * arguments.
 */
import type { ChalkInstance } from 'chalk';
import type { Config } from '../config/schema.ts';
import type { Alert, MarketState, Trend } from '../model.ts';
import { truncateVisible, visibleWidth } from './ansi.ts';
import { fitColumns, fitRows } from './fit.ts';
import { formatCompact, formatIndicator, formatPrice, formatSignedPercent, formatSignedPrice } from './format.ts';
import { emaField, rsiField, smaField } from '../windows/index.ts';
import { changeOf, isClosed, sortedRows, type SymbolRow, type WatchModel } from './live-model.ts';
import { sparkline } from './sparkline.ts';

/** Which indicator values get a column (periods from the config); a missing one has no column. */
export interface IndicatorColumns {
  sma?: number;
  ema?: number;
  rsi?: number;
}

/** The columns the configured indicators give (the first SMA and EMA period, and the RSI). */
export function indicatorColumns(windows: Config['windows']): IndicatorColumns {
  const indicators = windows.indicators;
  if (!indicators.enabled) return {};
  return { sma: indicators.sma[0], ema: indicators.ema[0], rsi: indicators.rsi };
}

export interface TableOptions {
  colors: ChalkInstance;
  indicators: IndicatorColumns;
  /** Terminal size; lines are cut to `columns`, and alerts give way first when `rows` is short. */
  columns: number;
  rows: number;
  /** Formats an event time for people (exchange time zone): the time of day, and with the date. */
  clock: (time: number) => string;
  dateClock: (time: number) => string;
}

interface Cell {
  text: string;
  paint?: (text: string) => string;
}

interface Column {
  header: string;
  align: 'left' | 'right';
  /** When the terminal is too narrow, columns go in this order (1 first); without one, never. */
  dropRank?: number;
  cell(row: SymbolRow): Cell;
}

/**
 * What goes first on a narrow terminal: the indicators (the bars' own numbers), then the day's range
 * and volume, the trend, the sparkline and the market state; the change stays longest, the symbol
 * and its last price always.
 */
const DROP_RANK = {
  ema: 1,
  sma: 2,
  rsi: 3,
  range: 4,
  volume: 5,
  trend: 6,
  sparkline: 7,
  market: 8,
  change: 9,
  changePct: 10,
} as const;

const MARKET_LABEL: Record<MarketState, string> = { PRE: 'pre', REGULAR: 'open', POST: 'post', CLOSED: 'closed' };
const TREND_ARROW: Record<Trend, string> = { up: '↑', down: '↓', flat: '→' };
const NO_VALUE = '—';

function signColor(colors: ChalkInstance, value: number): (text: string) => string {
  if (value > 0) return colors.green;
  if (value < 0) return colors.red;
  return (text) => text;
}

function indicatorCell(row: SymbolRow, key: string): Cell {
  const value = row.indicators[key];
  return { text: value === undefined ? NO_VALUE : formatIndicator(value) };
}

function columnsFor(model: WatchModel, options: TableOptions): Column[] {
  const { colors, indicators } = options;
  const { interval, sparkBars } = model.options;
  const columns: Column[] = [
    { header: 'SYMBOL', align: 'left', cell: (row) => ({ text: row.symbol, paint: colors.bold }) },
    {
      header: 'LAST',
      align: 'right',
      cell: (row) =>
        row.price === undefined
          ? { text: '…' }
          : { text: formatPrice(row.price), paint: isClosed(row) ? colors.dim : undefined },
    },
    {
      header: 'CHG',
      align: 'right',
      dropRank: DROP_RANK.change,
      cell: (row) => {
        const change = changeOf(row);
        return change
          ? { text: formatSignedPrice(change.absolute, row.price!), paint: signColor(colors, change.absolute) }
          : { text: NO_VALUE };
      },
    },
    {
      header: 'CHG%',
      align: 'right',
      dropRank: DROP_RANK.changePct,
      cell: (row) => {
        const change = changeOf(row);
        return change
          ? { text: `${formatSignedPercent(change.percent)}%`, paint: signColor(colors, change.percent) }
          : { text: NO_VALUE };
      },
    },
    {
      header: 'DAY RANGE',
      align: 'right',
      dropRank: DROP_RANK.range,
      cell: (row) => ({
        text:
          row.dayLow === undefined || row.dayHigh === undefined
            ? NO_VALUE
            : `${formatPrice(row.dayLow)}–${formatPrice(row.dayHigh)}`,
      }),
    },
    {
      header: 'VOLUME',
      align: 'right',
      dropRank: DROP_RANK.volume,
      cell: (row) => ({ text: row.dayVolume === undefined ? NO_VALUE : formatCompact(row.dayVolume) }),
    },
    {
      header: `LAST ${sparkBars}×${interval}`,
      align: 'left',
      dropRank: DROP_RANK.sparkline,
      cell: (row) => ({ text: sparkline(row.closes, sparkBars), paint: colors.cyan }),
    },
  ];
  if (indicators.sma !== undefined) {
    const key = smaField(indicators.sma);
    columns.push({
      header: `SMA${indicators.sma}`,
      align: 'right',
      dropRank: DROP_RANK.sma,
      cell: (row) => indicatorCell(row, key),
    });
  }
  if (indicators.ema !== undefined) {
    const key = emaField(indicators.ema);
    columns.push({
      header: `EMA${indicators.ema}`,
      align: 'right',
      dropRank: DROP_RANK.ema,
      cell: (row) => indicatorCell(row, key),
    });
  }
  if (indicators.rsi !== undefined) {
    const key = rsiField(indicators.rsi);
    columns.push({
      header: `RSI${indicators.rsi}`,
      align: 'right',
      dropRank: DROP_RANK.rsi,
      cell: (row) => {
        const value = row.indicators[key];
        if (value === undefined) return { text: NO_VALUE };
        // The textbook overbought/oversold lines.
        const paint = value >= 70 ? colors.red : value <= 30 ? colors.green : undefined;
        return { text: formatIndicator(value), paint };
      },
    });
  }
  columns.push(
    {
      header: 'TREND',
      align: 'left',
      dropRank: DROP_RANK.trend,
      cell: (row) => {
        if (row.trend === undefined) return { text: NO_VALUE };
        const paint = row.trend === 'up' ? colors.green : row.trend === 'down' ? colors.red : colors.gray;
        return { text: TREND_ARROW[row.trend], paint };
      },
    },
    {
      header: 'MARKET',
      align: 'left',
      dropRank: DROP_RANK.market,
      cell: (row) => {
        if (row.price === undefined) return { text: 'waiting', paint: colors.gray };
        if (row.marketState === undefined) return { text: NO_VALUE };
        return { text: MARKET_LABEL[row.marketState], paint: isClosed(row) ? colors.yellow : undefined };
      },
    },
  );
  return columns;
}

function pad(text: string, width: number, align: Column['align']): string {
  const fill = ' '.repeat(Math.max(0, width - [...text].length));
  return align === 'left' ? text + fill : fill + text;
}

interface TableLines {
  header: string;
  rows: string[];
  /** Columns left out because the terminal is too narrow. */
  hiddenColumns: number;
}

const GAP = '  ';

function tableLines(model: WatchModel, options: TableOptions): TableLines {
  const all = columnsFor(model, options);
  const allCells = sortedRows(model).map((row) => all.map((column) => column.cell(row)));
  const allWidths = all.map((column, i) =>
    Math.max([...column.header].length, ...allCells.map((line) => [...line[i]!.text].length)),
  );
  const kept = fitColumns(
    allWidths,
    all.map((column) => column.dropRank),
    options.columns,
    GAP.length,
  );
  const columns = all.filter((_, i) => kept[i]);
  const widths = allWidths.filter((_, i) => kept[i]);
  const header = columns.map((column, i) => pad(column.header, widths[i]!, column.align)).join(GAP);
  const rows = allCells.map((line) =>
    line
      .filter((_, i) => kept[i])
      .map((cell, i) => {
        const text = pad(cell.text, widths[i]!, columns[i]!.align);
        return cell.paint ? cell.paint(text) : text;
      })
      .join(GAP)
      .trimEnd(),
  );
  return { header: options.colors.bold.underline(header), rows, hiddenColumns: all.length - columns.length };
}

function headerLine(model: WatchModel, options: TableOptions): string {
  const { colors, dateClock, clock } = options;
  const listed = [...model.rows.keys()].join(' ');
  const counted = `${model.rows.size} symbols`;
  const lastTick = (format: (time: number) => string) =>
    `last tick ${model.lastTickTime === undefined ? NO_VALUE : format(model.lastTickTime)}`;
  const warnings: string[] = [];
  if (model.lateTicks > 0) warnings.push(colors.yellow(`${model.lateTicks} late ticks skipped`));
  if (model.futureTicks > 0) warnings.push(colors.yellow(`${model.futureTicks} future ticks skipped`));
  if (model.failedTicks > 0) warnings.push(colors.red(`${model.failedTicks} ticks failed`));
  const line = (title: boolean, symbols: string, format: (time: number) => string) =>
    [
      `${title ? `${colors.bold('StockStream watch')}  ` : ''}source ${colors.cyan(model.options.source)}`,
      symbols,
      `${model.ticksPerSecond.toFixed(1)} ticks/s`,
      lastTick(format),
      ...warnings,
    ].join(colors.gray('  ·  '));
  // From the fullest to the leanest: the first that fits the terminal's width (the last one is cut if none does).
  const variants = [
    ...(model.rows.size <= 8 ? [line(true, listed, dateClock)] : []),
    line(true, counted, dateClock),
    line(true, counted, clock),
    line(false, counted, clock),
  ];
  return variants.find((variant) => visibleWidth(variant) <= options.columns) ?? variants.at(-1)!;
}

function statusLine(model: WatchModel, colors: ChalkInstance): string {
  const parts: string[] = [];
  if (model.finished) parts.push(colors.green('source finished — press q to quit'));
  if (model.status) parts.push(colors.yellow(model.status));
  const seen = [...model.rows.values()].filter((row) => row.price !== undefined);
  if (seen.length > 0 && seen.every(isClosed)) parts.push(colors.yellow('market closed — prices are the last close'));
  if (seen.length === 0 && !model.finished) parts.push(colors.gray('waiting for the first ticks…'));
  return parts.join(colors.gray('  ·  '));
}

const SEVERITY_COLOR = { info: 'cyan', warning: 'yellow', critical: 'red' } as const;

function alertLine(alert: Alert, options: TableOptions): string {
  const { colors, clock } = options;
  const severity = colors[SEVERITY_COLOR[alert.severity]](alert.severity.padEnd(8));
  // The message names the symbol already.
  return `  ${colors.gray(clock(alert.time))}  ${severity} ${colors.bold(alert.rule)}  ${alert.message}`;
}

/** The whole screen, one string per terminal line, fitted to the terminal's width and height. */
export function renderTable(model: WatchModel, options: TableOptions): string[] {
  const { colors } = options;
  const table = tableLines(model, options);
  const keys = ['q quit', `s sort (now: ${model.options.sort})`, `${model.options.interval} bars`];
  if (table.hiddenColumns > 0) keys.push(`${table.hiddenColumns} columns hidden`);
  const lines = fitRows(
    {
      top: [headerLine(model, options), statusLine(model, colors), '', table.header],
      rows: table.rows,
      more: (hidden) => colors.gray(`… ${hidden} more (a taller terminal shows them; s sorts)`),
      alertsTitle: colors.bold('Alerts'),
      alerts:
        model.alerts.length === 0
          ? [colors.gray('  none yet')]
          : model.alerts.map((alert) => alertLine(alert, options)),
      footer: colors.gray(keys.join('  ·  ')),
    },
    options.rows,
  );
  return lines.map((line) => truncateVisible(line, options.columns));
}

/**
 * Only the column header and one row per symbol, fitted to `columns`: the table without watch's
 * screen around it (the console sink draws it below consume's log lines).
 */
export function renderRows(model: WatchModel, options: Omit<TableOptions, 'rows'>): string[] {
  const table = tableLines(model, { ...options, rows: Number.POSITIVE_INFINITY });
  return [table.header, ...table.rows].map((line) => truncateVisible(line, options.columns));
}
