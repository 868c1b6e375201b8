import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeYahoo, type Replayed } from '../../../test/support/fake-yahoo.ts';
import { recordingContext, type RecordingOptions } from '../../../test/produce/helpers/source-context.ts';
import { testConfig } from '../../../test/produce/helpers/kafka.ts';
import { UsageError } from '../../errors.ts';
import { runYahoo } from './yahoo.ts';

const at = (iso: string) => Date.parse(iso);

async function run(
  quotes: Replayed[],
  options: RecordingOptions & {
    symbols?: string[];
    now?: string;
    extendedHours?: boolean;
    batchSize?: number;
    crumb?: Replayed[];
  },
) {
  const yahoo = fakeYahoo({ '/v7/finance/quote': quotes }, options.crumb);
  const recording = recordingContext(options.symbols ?? ['AAPL', 'MSFT', 'ZZZZ'], options);
  const config = testConfig({
    source: { extendedHours: options.extendedHours ?? false, yahoo: { batchSize: options.batchSize ?? 100 } },
  });
  const now = options.now ? () => at(options.now!) : undefined;
  await runYahoo(config, recording.ctx, { fetch: yahoo.fetch, sleep: recording.sleep, now });
  return { yahoo, recording };
}

const symbolsOf = (url: URL) => url.searchParams.get('symbols')!.split(',');

afterEach(() => vi.restoreAllMocks());

describe('yahoo source', () => {
  it('maps quotes to ticks, emits only what changed, and drops unknown symbols once', async () => {
    const { yahoo, recording } = await run([{ fixture: 'quote-regular' }, { fixture: 'quote-regular-2' }], {
      stopAfterBatches: 2,
    });
    expect(recording.batches).toEqual([
      [
        {
          symbol: 'AAPL',
          time: at('2026-03-10T15:30:00Z'),
          price: 231.54,
          source: 'yahoo',
          marketState: 'REGULAR',
          dayVolume: 23456789,
          bid: 231.5,
          ask: 231.58,
          dayHigh: 232.1,
          dayLow: 229.5,
          open: 230.02,
          previousClose: 230.36,
          currency: 'USD',
          exchange: 'NMS',
        },
        // nulls and a zero ask are left out, not published as zeros
        {
          symbol: 'MSFT',
          time: at('2026-03-10T15:29:58Z'),
          price: 415.1,
          source: 'yahoo',
          marketState: 'REGULAR',
          dayVolume: 9876543,
          dayHigh: 418.2,
          dayLow: 414.75,
          previousClose: 417.15,
          currency: 'USD',
          exchange: 'NMS',
        },
      ],
      [
        expect.objectContaining({
          symbol: 'AAPL',
          time: at('2026-03-10T15:30:02Z'),
          price: 231.61,
          dayVolume: 23461200,
        }),
      ],
    ]);
    const quotes = yahoo.calls('/v7/finance/quote');
    expect(symbolsOf(quotes[0]!)).toEqual(['AAPL', 'MSFT', 'ZZZZ']);
    expect(symbolsOf(quotes[1]!)).toEqual(['AAPL', 'MSFT']);
    expect(quotes[0]!.searchParams.get('crumb')).toBe('fixture-crumb');
    expect(recording.logLines.filter((l) => l.includes('ZZZZ'))).toHaveLength(1);
    expect(recording.logLines[0]).toContain('Yahoo does not know ZZZZ');
  });

  it('asks for at most batchSize symbols per request', async () => {
    const symbols = ['AAPL', 'MSFT', ...Array.from({ length: 248 }, (_, i) => `S${i}`)];
    const { yahoo } = await run([{ fixture: 'quote-regular' }], { symbols, stopAfterBatches: 1 });
    expect(yahoo.calls('/v7/finance/quote').map((url) => symbolsOf(url).length)).toEqual([100, 100, 50]);
  });

  it('backs off exponentially on 429 with a status line and without printing the crumb', async () => {
    const consoleError = vi.spyOn(console, 'error');
    const tooMany: Replayed = { status: 429, body: 'Too Many Requests', headers: { 'content-type': 'text/plain' } };
    const { yahoo, recording } = await run([tooMany, tooMany, { fixture: 'quote-regular' }], { stopAfterBatches: 1 });
    expect(recording.ticks().map((t) => t.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(yahoo.calls('/v7/finance/quote')).toHaveLength(3);
    const [first, second] = recording.sleeps;
    expect(first).toBeGreaterThanOrEqual(1_000);
    expect(first).toBeLessThanOrEqual(2_000);
    expect(second).toBeGreaterThanOrEqual(2_000);
    expect(second).toBeLessThanOrEqual(4_000);
    expect(recording.statuses[0]).toMatch(
      /^Yahoo is rate limiting \(HTTP 429 Too Many Requests\) on quote; retry 1 in \d+\.\ds$/,
    );
    // One warning with the fix for the cause, not one per retry.
    expect(recording.logLines.filter((line) => line.includes('rate limiting'))).toEqual([
      expect.stringMatching(/^warn .*HTTP 429.* on quote; retrying — fix: poll less often/),
    ]);
    expect(recording.statuses).toContain('Yahoo answers again');
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('starts a fresh crumb after Yahoo refused one', async () => {
    const { yahoo, recording } = await run([{ fixture: 'quote-regular' }], {
      stopAfterBatches: 1,
      crumb: [
        { status: 401, body: '' },
        { body: 'second-crumb', headers: { 'content-type': 'text/plain' } },
      ],
    });
    expect(recording.statuses[0]).toMatch(/^Yahoo refused the session crumb on quote; retry 1/);
    expect(yahoo.calls('/v1/test/getcrumb')).toHaveLength(2);
    expect(yahoo.calls('/v7/finance/quote')[0]!.searchParams.get('crumb')).toBe('second-crumb');
    expect(recording.ticks()).toHaveLength(2);
  });

  it('publishes nothing while the market is closed and sleeps until the next open', async () => {
    const { yahoo, recording } = await run([{ fixture: 'quote-closed' }], {
      now: '2026-03-07T15:00:00Z',
      stopAtSleep: 1,
    });
    expect(recording.ticks()).toEqual([]);
    expect(yahoo.calls('/v7/finance/quote')).toHaveLength(1);
    expect(recording.sleeps).toEqual([at('2026-03-09T13:30:00Z') - at('2026-03-07T15:00:00Z')]);
    expect(recording.statuses).toEqual(['market closed; next poll Mon 2026-03-09 09:30 ET']);
  });

  it('with extended hours publishes pre-market prices, and wakes at 04:00 ET on a weekend', async () => {
    const pre = await run([{ fixture: 'quote-pre' }], {
      extendedHours: true,
      now: '2026-03-10T12:15:30Z',
      stopAfterBatches: 1,
    });
    // MSFT has no pre-market trade yet (nulls): no tick
    expect(pre.recording.ticks()).toEqual([
      expect.objectContaining({
        symbol: 'AAPL',
        price: 230.9,
        time: at('2026-03-10T12:15:00Z'),
        marketState: 'PRE',
        dayVolume: 41200300,
      }),
    ]);

    const weekend = await run([{ fixture: 'quote-closed' }], {
      extendedHours: true,
      now: '2026-03-07T15:00:00Z',
      stopAtSleep: 1,
    });
    expect(weekend.recording.sleeps).toEqual([at('2026-03-09T08:00:00Z') - at('2026-03-07T15:00:00Z')]);
  });

  it('without extended hours treats pre-market as closed until 09:30 ET', async () => {
    const { recording } = await run([{ fixture: 'quote-pre' }], { now: '2026-03-10T12:15:30Z', stopAtSleep: 1 });
    expect(recording.ticks()).toEqual([]);
    expect(recording.sleeps).toEqual([at('2026-03-10T13:30:00Z') - at('2026-03-10T12:15:30Z')]);
  });

  it('is a usage error when Yahoo knows none of the symbols', async () => {
    await expect(
      run([{ body: { quoteResponse: { result: [], error: null } } }], { symbols: ['ZZZZ', 'QQQQX'] }),
    ).rejects.toThrow(UsageError);
  });
});
