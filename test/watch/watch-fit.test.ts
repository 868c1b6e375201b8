/**
 * `watch` fits the terminal (issue 16): the built CLI in a real pty at 80×24 and 160×40, replaying
 * 30 symbols (more than 24 rows hold), three of them with a wide bar (an alert each). At 80 columns
 * whole columns give way by priority instead of the line being cut mid-column; with more symbols
 * than rows a "… N more" line counts the rest, and the alerts and the key line keep their place.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDir, runInPty, screenText } from './support.ts';

// 2026-03-02 (a Monday) 14:30 UTC = 09:30 New York: a regular session.
const OPEN = Date.UTC(2026, 2, 2, 14, 30);
const SYMBOLS = Array.from({ length: 30 }, (_, i) => `SYM${String(i).padStart(2, '0')}`);
/** These move 2.5% within their first 1-minute bar: past the default wide-bar rule's 1.5%. */
const WIDE = new Set(['SYM03', 'SYM17', 'SYM29']);
const ALL_COLUMNS = [
  'SYMBOL',
  'LAST',
  'CHG',
  'CHG%',
  'DAY RANGE',
  'VOLUME',
  'LAST 20×1m',
  'SMA20',
  'EMA12',
  'RSI14',
  'TREND',
  'MARKET',
];
/** At 80 columns the indicators and the day's range give way, in that order; the rest stays whole. */
const AT_80 = ['SYMBOL', 'LAST', 'CHG', 'CHG%', 'VOLUME', 'LAST 20×1m', 'TREND', 'MARKET'];

function replayFile(): string {
  const lines: string[] = [];
  for (const [seconds, step] of [
    [5, 0],
    [20, 1],
    [40, 2],
    [65, 3],
  ] as const) {
    for (const symbol of SYMBOLS) {
      const moves = WIDE.has(symbol) ? [100, 102.5, 101, 101.5] : [100, 100.2, 100.1, 100.3];
      const tick = {
        v: 1,
        symbol,
        time: OPEN + seconds * 1000,
        price: moves[step],
        source: 'replay',
        dayVolume: 1_000_000 + step * 1_000,
        previousClose: 99.5,
        marketState: 'REGULAR',
      };
      lines.push(JSON.stringify(tick));
    }
  }
  const file = join(emptyDir(), 'thirty.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Cells of a line: columns are separated by two or more spaces. */
const cellsOf = (line: string) => line.trim().split(/\s{2,}/);

async function finishedScreen(rows: number, cols: number): Promise<string[]> {
  const run = runInPty(['watch', '--file', replayFile(), '--speed', '0'], { rows, cols, env: { NO_COLOR: '1' } });
  await run.waitFor(
    (output) => screenText(output)[1]?.includes('source finished') ?? false,
    'the end of the replay',
    15_000,
  );
  const screen = screenText(run.output());
  run.type('q');
  const { code, stderr } = await run.exit;
  expect(code, stderr).toBe(0);
  return screen;
}

/** The rows shown are the first ones in symbol order, and the "… N more" line counts the others. */
function expectRowsCounted(screen: string[], rows: string[]): void {
  expect(rows.map((row) => cellsOf(row)[0])).toEqual(SYMBOLS.slice(0, rows.length));
  const more = screen.findIndex((line) => line.startsWith('…'));
  expect(screen[more]).toMatch(new RegExp(`^… ${SYMBOLS.length - rows.length} more`));
  expect(screen.indexOf(rows.at(-1)!)).toBe(more - 1);
}

function expectAlertsAndKeys(screen: string[], rows: number): void {
  expect(screen).toHaveLength(rows);
  const title = screen.indexOf('Alerts');
  expect(title).toBeGreaterThan(0);
  const alerts = screen.slice(title + 1).filter((line) => line.includes('wide-bar'));
  expect(alerts.map((line) => /wide-bar {2}(SYM\d\d)/.exec(line)?.[1]).sort()).toEqual([...WIDE].sort());
  expect(screen.at(-1)).toMatch(/^q quit {2}· {2}s sort \(now: symbol\) {2}· {2}1m bars/);
}

describe('watch fits the terminal', () => {
  it('80×24: whole columns dropped by priority, "… N more" for the rows that do not fit, alerts and keys kept', async () => {
    const screen = await finishedScreen(24, 80);
    for (const line of screen) expect([...line].length, line).toBeLessThanOrEqual(80);

    const header = screen.findIndex((line) => line.startsWith('SYMBOL'));
    expect(cellsOf(screen[header]!)).toEqual(AT_80);
    const rows = screen.filter((line) => /^SYM\d\d /.test(line));
    // Every row shows every kept column whole, up to the market state at its end.
    for (const row of rows) {
      const [symbol] = cellsOf(row);
      const [last, change, percent] = WIDE.has(symbol!) ? ['101.50', '+2.00', '+2.01%'] : ['100.30', '+0.80', '+0.80%'];
      expect(cellsOf(row)).toEqual([
        symbol,
        last,
        change,
        percent,
        '1.00M',
        expect.stringMatching(/^[▁-█]{2}$/),
        '—',
        'open',
      ]);
    }
    expectRowsCounted(screen, rows);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expectAlertsAndKeys(screen, 24);
    expect(screen.at(-1)).toContain('4 columns hidden');
  }, 30_000);

  it('160×40: every column, the rows that fit and the rest counted, the alerts and keys', async () => {
    const screen = await finishedScreen(40, 160);
    const header = screen.findIndex((line) => line.startsWith('SYMBOL'));
    expect(cellsOf(screen[header]!)).toEqual(ALL_COLUMNS);
    const rows = screen.filter((line) => /^SYM\d\d /.test(line));
    for (const row of rows) expect(cellsOf(row)).toHaveLength(ALL_COLUMNS.length);
    expectRowsCounted(screen, rows);
    // 40 lines: 4 above the table, 3 alerts with their title, a blank line either side and the keys leave 29.
    expect(rows).toHaveLength(28);
    expectAlertsAndKeys(screen, 40);
    expect(screen.at(-1)).not.toContain('hidden');
  }, 30_000);
});
