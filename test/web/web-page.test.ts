/// <reference lib="dom" />
/**
 * `watch --web` in a real browser (Debian's Chromium through playwright-core): the page against a
 * replay of a recorded session and against the live synthetic source. Expected candle counts come
 * from the session file with plain arithmetic (ticks per bar window), not through the pipeline; the
 * chart is read through lightweight-charts' own API (series.data()), and screenshots are saved to
 * test/web/artifacts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSessionFile } from '../support/session-file.ts';
import { freePort } from '../support/process.ts';
import { collectErrors, launchBrowser, screenshot, startWatchWeb, type WatchWebRun } from './support.ts';

const MINUTE = 60_000;

interface RecordedTick {
  symbol: string;
  time: number;
}

/** Closed bars of one symbol and bar length: the distinct windows its ticks fall in (New York's windows lie on the UTC grid for these lengths). */
function expectedBars(ticks: readonly RecordedTick[], symbol: string, lengthMs: number): number {
  return new Set(ticks.filter((tick) => tick.symbol === symbol).map((tick) => Math.floor(tick.time / lengthMs))).size;
}

const candleCount = (page: Page) =>
  page.evaluate(() => (window as unknown as { stockstream: { candles(): unknown[] } }).stockstream.candles().length);

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('watch --web against a replay', () => {
  let run: WatchWebRun;
  let ticks: RecordedTick[];
  beforeAll(async () => {
    const session = writeSessionFile();
    ticks = session.ticks;
    run = await startWatchWeb(['--file', session.file, '--speed', '0']);
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('draws a candle for every closed bar, switches symbol and interval, and logs no errors', async () => {
    // The whole file has been played once the run says so; every window is closed then.
    await expect.poll(() => run.stderr(), { timeout: 60_000 }).toContain('the source ended');
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    const errors = collectErrors(page);
    await page.goto(run.url);
    await page.waitForFunction(() => (window as unknown as { stockstream: { ready(): boolean } }).stockstream.ready());

    expect(
      await page.evaluate(
        () => (window as unknown as { stockstream: { symbol: string; interval: string } }).stockstream.symbol,
      ),
    ).toBe('AAPL');
    expect(await candleCount(page)).toBe(expectedBars(ticks, 'AAPL', MINUTE));
    // Every symbol of the file is in the table, with its last price.
    const lastAapl = ticks.filter((tick) => tick.symbol === 'AAPL').at(-1) as RecordedTick & { price: number };
    await expect.poll(() => page.locator('#table tbody tr').count()).toBe(2);
    expect(Number(await page.locator('tr[data-symbol="AAPL"]').getAttribute('data-price'))).toBe(lastAapl.price);
    // Overlays and panes are drawn once enough bars closed: SMA 20 from the 20th bar, RSI and MACD.
    const withValue = (key: string) =>
      page.evaluate(
        (k) =>
          (window as unknown as { stockstream: { line(key: string): Array<{ value?: number }> } }).stockstream
            .line(k)
            .filter((point) => point.value !== undefined).length,
        key,
      );
    expect(await withValue('sma_20')).toBe(expectedBars(ticks, 'AAPL', MINUTE) - 19);
    expect(await withValue('rsi')).toBeGreaterThan(300);
    expect(await withValue('macd')).toBeGreaterThan(300);
    await screenshot(page, 'replay-aapl-1m');

    await page.selectOption('#symbol', 'MSFT');
    await expect.poll(() => candleCount(page)).toBe(expectedBars(ticks, 'MSFT', MINUTE));
    await page.click('#intervals button[data-interval="5m"]');
    await expect.poll(() => candleCount(page)).toBe(expectedBars(ticks, 'MSFT', 5 * MINUTE));
    await screenshot(page, 'replay-msft-5m');
    // Clicking a table row chooses its symbol too.
    await page.click('tr[data-symbol="AAPL"]');
    await expect.poll(() => candleCount(page)).toBe(expectedBars(ticks, 'AAPL', 5 * MINUTE));

    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('watch --web against the synthetic source', () => {
  let run: WatchWebRun;
  beforeAll(async () => {
    run = await startWatchWeb(['--source', 'synthetic', 'AAPL', 'MSFT']);
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('brings a new tick to the table and the chart within 2 s', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    const errors = collectErrors(page);
    await page.goto(run.url);
    await page.waitForFunction(() => (window as unknown as { stockstream: { ready(): boolean } }).stockstream.ready());

    // A tick the CLI took after the page was up: its once-a-second summary line names it.
    const seen = run.stdout().length;
    const pattern = /^tick +AAPL (\S+) last=([\d.,]+)/m;
    await run.waitForStdout((stdout) => pattern.test(stdout.slice(seen)), 'a tick summary of AAPL', 10_000);
    const [, iso, last] = pattern.exec(run.stdout().slice(seen))!;
    const time = Date.parse(iso!);
    const bucket = Math.floor(time / MINUTE) * MINUTE;
    // The bound is the requirement: the page must show that tick (or a later one) within 2 s.
    await page.waitForFunction(
      ({ time, bucket }) => {
        const row = document.querySelector<HTMLElement>('tr[data-symbol="AAPL"]');
        const candles = (
          window as unknown as { stockstream: { candles(): Array<{ time: number; close: number }> } }
        ).stockstream.candles();
        const lastCandle = candles.at(-1);
        return (
          row !== null &&
          Number(row.dataset.time) >= time &&
          lastCandle !== undefined &&
          lastCandle.time * 1000 >= bucket &&
          lastCandle.close === Number(row.dataset.price)
        );
      },
      { time, bucket },
      { timeout: 2_000 },
    );
    expect(Number(last!.replace(/,/g, ''))).toBeGreaterThan(0);
    await screenshot(page, 'synthetic-aapl-1m');

    await page.click('#intervals button[data-interval="5m"]');
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as { stockstream: { interval: string } }).stockstream.interval),
      )
      .toBe('5m');
    await page.selectOption('#symbol', 'MSFT');
    await expect.poll(() => candleCount(page)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('watch --web when the connection drops', () => {
  it('reconnects by itself and catches up on what the new run has', async () => {
    const port = String(await freePort());
    const first = await startWatchWeb(['--source', 'synthetic', 'AAPL'], port);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = collectErrors(page);
    try {
      await page.goto(first.url);
      await expect.poll(() => page.locator('#connection').textContent()).toBe('live');
      await first.stop();
      await expect.poll(() => page.locator('#connection').textContent()).toBe('reconnecting…');
      // watch comes back on the same port, now with a replayed session: the page takes its snapshot.
      const session = writeSessionFile();
      const second = await startWatchWeb(['--file', session.file, '--speed', '0'], port);
      try {
        await expect.poll(() => second.stderr(), { timeout: 60_000 }).toContain('the source ended');
        await expect.poll(() => page.locator('#connection').textContent(), { timeout: 10_000 }).toBe('live');
        await expect
          .poll(() => candleCount(page), { timeout: 10_000 })
          .toBe(expectedBars(session.ticks, 'AAPL', MINUTE));
        await expect.poll(() => page.locator('#source').textContent()).toBe('source: replay');
      } finally {
        await second.stop();
      }
      // The dropped stream is the browser's own error line; nothing else may be.
      expect(errors.filter((error) => !/ERR_CONNECTION_REFUSED|EventSource|net::/.test(error))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
