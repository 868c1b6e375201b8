/**
 * watch with the yahoo source while the market is closed: the source publishes nothing and sleeps
 * until the open, and watch shows each symbol's last close, marked closed, instead of an empty
 * table. Yahoo is the produce tests' fake behind yahoo-finance2's `fetch` option, with its
 * recorded-shape quote fixtures.
 */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { yahooSource } from '../../src/sources/yahoo/yahoo.ts';
import { createLogger } from '../../src/ui/logger.ts';
import type { Output } from '../../src/ui/output.ts';
import { parseWatchFlags, watchConfig } from '../../src/watch/options.ts';
import { runWatch } from '../../src/watch/run.ts';
import { fakeYahoo, fixture } from '../support/fake-yahoo.ts';
import { waitFor } from '../support/wait.ts';
import { iso } from './support.ts';

interface Quote {
  symbol: string;
  regularMarketPrice: number;
  regularMarketTime: number;
  regularMarketPreviousClose: number;
}

describe('watch with the yahoo source', () => {
  it('shows the last close of every symbol, marked closed, while the market is closed', async () => {
    const yahoo = fakeYahoo({ '/v7/finance/quote': [{ fixture: 'quote-closed' }] });
    const saturday = Date.parse('2026-03-07T15:00:00Z');
    const lines: string[] = [];
    const out: Output = { json: false, record: () => {}, line: (text) => lines.push(text) };
    const logs: string[] = [];
    const logger = createLogger({
      stream: { write: (text: string) => logs.push(text) } as unknown as NodeJS.WritableStream,
    });
    const stop = new AbortController();
    const symbols = ['AAPL', 'MSFT'];
    const { view } = parseWatchFlags({ symbols });
    const { config, interval } = watchConfig(configSchema.parse({ symbols, source: { name: 'yahoo' } }), view);
    const deps = {
      fetch: yahoo.fetch,
      now: () => saturday,
      // The source sleeps until Monday's open: end the run once the closes are on screen instead.
      sleep: async () => {
        await waitFor(
          () => symbols.every((s) => lines.some((line) => line.startsWith(`tick      ${s} `))),
          'both last closes',
          10_000,
        );
        stop.abort();
      },
    };

    const summary = await runWatch({
      config,
      view: { ...view, interval },
      sources: [yahooSource.create(config, deps)],
      logger,
      out,
      signal: stop.signal,
      json: false,
      colors: new Chalk({ level: 0 }),
      deps,
    });

    expect(summary.stoppedBy).toBe('signal');
    // Nothing traded: no tick went through the windows.
    expect(summary.ticks).toBe(0);
    const quotes = (fixture('quote-closed') as { quoteResponse: { result: Quote[] } }).quoteResponse.result;
    for (const quote of quotes) {
      const change = quote.regularMarketPrice - quote.regularMarketPreviousClose;
      const pct = (change / quote.regularMarketPreviousClose) * 100;
      const sign = change > 0 ? '+' : '';
      const line = lines.find((text) => text.startsWith(`tick      ${quote.symbol} `));
      expect(line).toMatch(
        new RegExp(
          `^tick +${quote.symbol} ${iso(quote.regularMarketTime * 1000).replace(/\./g, '\\.')} last=${quote.regularMarketPrice.toFixed(2)} ` +
            `chg=\\${sign}${change.toFixed(2)} chg%=\\${sign}${pct.toFixed(2)} .*bars=0 market=closed$`,
        ),
      );
    }
    expect(logs.join('')).toMatch(/yahoo: market closed; next poll/);
  });
});
