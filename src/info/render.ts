/** How stored stock metadata reads in a terminal: a card for one symbol, a table for many. */
import chalk from 'chalk';
import type { StoredStockInfo } from '../postgres/repositories/stock-info.ts';

const SUFFIXES = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
] as const;

/** 3_450_000_000_000 → "3.45T". */
export function compactNumber(value: number | undefined): string {
  if (value === undefined) return '—';
  for (const [size, suffix] of SUFFIXES) if (Math.abs(value) >= size) return `${(value / size).toFixed(2)}${suffix}`;
  return value.toFixed(2);
}

export function fixed(value: number | undefined, digits = 2): string {
  return value === undefined ? '—' : value.toFixed(digits);
}

function money(value: number | undefined, currency: string | undefined): string {
  if (value === undefined) return '—';
  return `${fixed(value)}${currency ? ` ${currency}` : ''}`;
}

function when(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function renderCard(info: StoredStockInfo): string {
  const name = info.longName ?? info.shortName ?? info.symbol;
  const fields: [string, string][] = [
    ['Sector', info.sector ?? '—'],
    ['Industry', info.industry ?? '—'],
    ['Exchange', info.exchange ?? '—'],
    [
      'Market cap',
      info.marketCap === undefined
        ? '—'
        : `${compactNumber(info.marketCap)}${info.currency ? ` ${info.currency}` : ''}`,
    ],
    ['P/E (trailing)', fixed(info.trailingPE)],
    ['P/E (forward)', fixed(info.forwardPE)],
    [
      '52-week range',
      info.fiftyTwoWeekLow === undefined && info.fiftyTwoWeekHigh === undefined
        ? '—'
        : `${money(info.fiftyTwoWeekLow, undefined)} – ${money(info.fiftyTwoWeekHigh, info.currency)}`,
    ],
    ['50-day average', money(info.fiftyDayAverage, info.currency)],
    ['Short ratio', fixed(info.shortRatio)],
  ];
  const width = Math.max(...fields.map(([label]) => label.length));
  return [
    `${chalk.bold(info.symbol)}  ${name}`,
    ...fields.map(([label, value]) => `  ${chalk.gray(label.padEnd(width))}  ${value}`),
    chalk.gray(`  fetched ${when(info.fetchedAt)}, last synced ${when(info.updatedAt)}`),
  ].join('\n');
}

const COLUMNS: { title: string; right?: boolean; cell: (info: StoredStockInfo) => string }[] = [
  { title: 'SYMBOL', cell: (info) => info.symbol },
  { title: 'NAME', cell: (info) => (info.shortName ?? info.longName ?? '—').slice(0, 28) },
  { title: 'SECTOR', cell: (info) => info.sector ?? '—' },
  { title: 'INDUSTRY', cell: (info) => (info.industry ?? '—').slice(0, 28) },
  { title: 'MARKET CAP', right: true, cell: (info) => compactNumber(info.marketCap) },
  { title: 'P/E', right: true, cell: (info) => fixed(info.trailingPE) },
  { title: 'FWD P/E', right: true, cell: (info) => fixed(info.forwardPE) },
  { title: '52W LOW', right: true, cell: (info) => fixed(info.fiftyTwoWeekLow) },
  { title: '52W HIGH', right: true, cell: (info) => fixed(info.fiftyTwoWeekHigh) },
];

export function renderTable(infos: StoredStockInfo[]): string {
  const cells = infos.map((info) => COLUMNS.map((column) => column.cell(info)));
  const widths = COLUMNS.map((column, i) => Math.max(column.title.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (COLUMNS[i]!.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [chalk.bold(line(COLUMNS.map((column) => column.title))), ...cells.map(line)].join('\n');
}
