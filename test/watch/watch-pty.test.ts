/**
 * `watch` on a real (pseudo) terminal: the built CLI in a pty, the screen rebuilt from what it
 * wrote, keys typed into it. Checks the table appears in time with the right values, and that
 * every way out (q, Ctrl-C, SIGTERM) exits 0 and gives the terminal back: main screen, cursor
 * shown, canonical mode and echo on.
 */
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ENTER_ALT_SCREEN, HIDE_CURSOR, LEAVE_ALT_SCREEN, SHOW_CURSOR } from '../../src/display/ansi.ts';
import { expectedFor, FIXTURE, readFixture, rowCells, runInPty, screenText, wideBars, type PtyRun } from './support.ts';

/** SGR sequences (colours, bold): what NO_COLOR turns off. */
const SGR = /\u001b\[[0-9;]*m/;
const PRICE = /^\d+\.\d\d$/;
/** Every frame rewrites the first symbol's row (its volume grows with every tick): one per frame. */
const FIRST_ROW = '\u001b[5;1H';

function tableShows(symbols: string[]) {
  return (output: string) => {
    const screen = screenText(output);
    return symbols.every((symbol) => PRICE.test(rowCells(screen, symbol)?.[1] ?? ''));
  };
}

/** The terminal was handed back: after the last drawing, the cursor is shown and the main screen is back. */
async function expectRestored(run: PtyRun): Promise<void> {
  const { code, modesRestored, stderr } = await run.exit;
  expect(code, stderr).toBe(0);
  expect(modesRestored).toBe(true);
  const output = run.output();
  const restore = output.lastIndexOf(SHOW_CURSOR + LEAVE_ALT_SCREEN);
  expect(restore).toBeGreaterThan(output.lastIndexOf('\u001b[K'));
  expect(output.indexOf(ENTER_ALT_SCREEN + HIDE_CURSOR)).toBeGreaterThanOrEqual(0);
}

/** The textbook sparkline: each close scaled between the lowest and highest to 8 levels. */
function referenceSparkline(closes: number[]): string {
  const min = Math.min(...closes);
  const max = Math.max(...closes);
  return closes.map((close) => '▁▂▃▄▅▆▇█'[Math.round(((close - min) / (max - min)) * 7)]).join('');
}

describe('watch in a terminal', () => {
  it('shows a live synthetic table within the deadline, coloured, and quits on q', async () => {
    const started = Date.now();
    const run = runInPty(['watch', '--source', 'synthetic', 'AAPL', 'MSFT']);
    await run.waitFor(tableShows(['AAPL', 'MSFT']), 'the table with prices of AAPL and MSFT', 5_000);
    const firstTableMs = Date.now() - started;
    console.info(`watch: first table with prices after ${firstTableMs}ms (node start-up included)`);

    const screen = screenText(run.output());
    expect(screen[0]).toMatch(/^StockStream watch +source synthetic .*AAPL MSFT/);
    for (const symbol of ['AAPL', 'MSFT']) {
      const cells = rowCells(screen, symbol)!;
      expect(cells[2]).toMatch(/^([+-]\d+\.\d\d|0\.00)$/);
      expect(cells[3]).toMatch(/^([+-]\d+\.\d\d|0\.00)%$/);
      expect(cells.at(-1)).toBe('open');
    }
    expect(run.output()).toMatch(SGR);
    // It keeps updating: a later frame shows a later last tick.
    const header = screen[0]!;
    await run.waitFor((output) => screenText(output)[0] !== header, 'the header to move on', 5_000);

    // `s` cycles the sort order.
    run.type('s');
    await run.waitFor(
      (output) => screenText(output).some((line) => line.includes('s sort (now: change)')),
      'the sort order to change',
      5_000,
    );

    run.type('q');
    await expectRestored(run);
  });

  it('redraws at most about 10 times a second, however fast the ticks come', async () => {
    const run = runInPty(['watch', '--source', 'synthetic', '--rate', '5000', 'AAPL', 'MSFT']);
    await run.waitFor(tableShows(['AAPL', 'MSFT']), 'the table', 5_000);
    const frames = () => run.output().split(FIRST_ROW).length - 1;
    const before = { frames: frames(), at: Date.now() };
    await run.waitFor(
      () => Date.now() - before.at >= 2_000 && frames() > before.frames,
      'two seconds of redraws',
      10_000,
    );
    const perSecond = ((frames() - before.frames) * 1000) / (Date.now() - before.at);
    console.info(`watch: ${perSecond.toFixed(1)} frames/s at 5000 ticks/s`);
    expect(perSecond).toBeLessThanOrEqual(11);
    expect(perSecond).toBeGreaterThanOrEqual(2);
    run.type('q');
    await expectRestored(run);
  });

  it('replays a file to the end, shows exact values, the sparkline and the alert, and waits for q', async () => {
    const expected = expectedFor(readFixture());
    const run = runInPty(['watch', '--file', FIXTURE, '--speed', '0']);
    await run.waitFor(
      (output) => screenText(output)[1]?.includes('source finished') ?? false,
      'the end of the replay',
      10_000,
    );
    const screen = screenText(run.output());

    for (const [symbol, want] of expected) {
      const volume =
        want.dayVolume >= 1e6 ? `${(want.dayVolume / 1e6).toFixed(2)}M` : `${(want.dayVolume / 1e3).toFixed(1)}k`;
      const sign = (value: number) => (value > 0 ? '+' : '');
      expect(rowCells(screen, symbol)).toEqual([
        symbol,
        want.last.toFixed(2),
        `${sign(want.change)}${want.change.toFixed(2)}`,
        `${sign(want.changePct)}${want.changePct.toFixed(2)}%`,
        `${want.low.toFixed(2)}–${want.high.toFixed(2)}`,
        volume,
        referenceSparkline(want.bars.map((bar) => bar.close)),
        // Too few bars for SMA20, EMA12, RSI14 and the trend: shown as not yet known.
        '—',
        '—',
        '—',
        '—',
        'open',
      ]);
    }
    const wide = wideBars(expected.get('AAPL')!.bars, 1.5)[0]!;
    const spread = (((wide.high - wide.low) / wide.low) * 100).toFixed(2);
    expect(screen.some((line) => line.includes(`warning  wide-bar  AAPL moved ${spread}% within one 1m bar`))).toBe(
      true,
    );

    // A finished replay waits for the user instead of taking the table away, and does not redraw
    // an unchanged table (no condition to poll for an absence: give it 1.5 s, more than a timer round).
    // It also stops redrawing once nothing changes (after ticks/s fell to 0).
    const rateFellToZero = (output: string) =>
      / [1-9][\d.]* ticks\/s/.test(stripVTControlCharacters(output)) &&
      (screenText(output)[0]?.includes(' 0.0 ticks/s') ?? false);
    await run.waitFor(rateFellToZero, 'ticks/s to rise and fall to 0', 5_000);
    const drawn = run.output().length;
    const early = await Promise.race([
      run.exit.then(() => 'exited'),
      new Promise((resolve) => setTimeout(() => resolve('waiting'), 1_500)),
    ]);
    expect(early).toBe('waiting');
    expect(run.output().length).toBe(drawn);
    expect(run.output()).not.toContain(LEAVE_ALT_SCREEN);
    run.type('q');
    await expectRestored(run);
  });

  it('exits on Ctrl-C (a key in raw mode) and draws no colours with NO_COLOR', async () => {
    const run = runInPty(['watch', '--source', 'synthetic', 'AAPL'], { env: { NO_COLOR: '1' } });
    await run.waitFor(tableShows(['AAPL']), 'the AAPL row', 5_000);
    run.type('\u0003');
    await expectRestored(run);
    expect(run.output()).not.toMatch(SGR);
  });

  it('exits 0 on SIGTERM and restores the terminal', async () => {
    const run = runInPty(['watch', '--source', 'synthetic', 'MSFT']);
    await run.waitFor(tableShows(['MSFT']), 'the MSFT row', 5_000);
    run.signal('SIGTERM');
    await expectRestored(run);
  });

  it('restores the terminal when it stops on an error', async () => {
    const run = runInPty(['watch', '--file', '/nonexistent/session.ndjson']);
    const { code, modesRestored } = await run.exit;
    expect(code).toBe(2);
    expect(modesRestored).toBe(true);
    const output = run.output();
    const left = output.lastIndexOf(SHOW_CURSOR + LEAVE_ALT_SCREEN);
    expect(left).toBeGreaterThan(output.indexOf(ENTER_ALT_SCREEN));
    // The error is printed on the main screen, after the table is gone.
    expect(output.slice(left)).toMatch(/nonexistent\/session\.ndjson/);
  });
});
