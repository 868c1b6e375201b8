import { afterEach, describe, expect, it } from 'vitest';
import { fakeYahoo } from '../../../test/support/fake-yahoo.ts';
import { pricingFrame, startFakeStreamer, type FakeStreamer } from '../../../test/produce/helpers/fake-streamer.ts';
import { testConfig } from '../../../test/produce/helpers/kafka.ts';
import { recordingContext } from '../../../test/produce/helpers/source-context.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { runYahooStream } from './yahoo-stream.ts';

const at = (iso: string) => Date.parse(iso);
let streamer: FakeStreamer | undefined;

afterEach(async () => {
  await streamer?.close();
  streamer = undefined;
});

const subscriptions = (s: FakeStreamer) =>
  s.received.filter((m) => m === JSON.stringify({ subscribe: ['AAPL', 'MSFT'] })).length;

describe('yahoo-stream source', () => {
  it('subscribes, merges partial messages, re-subscribes, reconnects and fills the gap from chart bars', async () => {
    streamer = await startFakeStreamer();
    const fake = streamer;
    const yahoo = fakeYahoo({ '/v8/finance/chart/AAPL': [{ fixture: 'chart-aapl-1m' }] });
    const recording = recordingContext(['AAPL', 'MSFT']);
    let clock = at('2026-03-09T13:30:06Z');
    const config = testConfig({ source: { yahooStream: { url: fake.url, resubscribeEvery: '100ms' } } });
    const running = runYahooStream(config, recording.ctx, {
      fetch: yahoo.fetch,
      now: () => clock,
      sleep: recording.sleep,
    });

    await waitFor(() => subscriptions(fake) >= 1, 'the first subscription');
    // A full message, then partial ones: only what changed (proto3 also leaves out zeros).
    fake.send(
      pricingFrame({
        id: 'AAPL',
        price: 230.3,
        time: at('2026-03-09T13:30:05Z'),
        currency: 'USD',
        exchange: 'NMS',
        quoteType: 8,
        marketHours: 1,
        dayVolume: 1_000_000,
        dayHigh: 230.35,
        dayLow: 229.8,
        openPrice: 229.95,
        previousClose: 229.88,
        lastSize: 200,
        bid: 230.28,
        ask: 230.32,
        priceHint: 2,
      }),
    );
    fake.send(pricingFrame({ id: 'AAPL', marketHours: 1, bid: 230.29 })); // nothing traded: no tick
    fake.send(pricingFrame({ id: 'MSFT', price: 415.1, time: at('2026-03-09T13:30:05Z'), dayVolume: 500 })); // no market_hours: pre-market, not published
    fake.send('{"type":"pricing","message":"%%%"}');
    await waitFor(() => recording.ticks().length >= 1, 'the first tick');
    await waitFor(() => subscriptions(fake) >= 3, 'a re-subscription');
    await waitFor(() => recording.rejected.length >= 1, 'the bad frame in the dead-letter list');

    clock = at('2026-03-09T13:33:30Z');
    fake.dropClients();
    await waitFor(() => fake.connections() >= 2 && subscriptions(fake) >= 4, 'the reconnection');
    fake.send(
      pricingFrame({
        id: 'AAPL',
        price: 230.55,
        time: at('2026-03-09T13:33:31Z'),
        marketHours: 1,
        dayVolume: 1_400_000,
        lastSize: 100,
      }),
    );
    await waitFor(() => recording.ticks().length >= 3, 'the tick after the reconnection');
    recording.stop();
    await running;

    const live = {
      symbol: 'AAPL',
      source: 'yahoo-stream',
      marketState: 'REGULAR',
      currency: 'USD',
      exchange: 'NMS',
      previousClose: 229.88,
    };
    expect(recording.ticks()).toEqual([
      {
        ...live,
        time: at('2026-03-09T13:30:05Z'),
        price: 230.3,
        dayVolume: 1_000_000,
        size: 200,
        bid: 230.28,
        ask: 230.32,
        dayHigh: 230.35,
        dayLow: 229.8,
        open: 229.95,
      },
      // the gap: the 13:31 bar is null, 13:32 is complete; its volume continues the day
      {
        symbol: 'AAPL',
        time: at('2026-03-09T13:32:00Z'),
        price: 230.4,
        source: 'yahoo-stream',
        backfill: true,
        dayVolume: 1_382_000,
        dayHigh: 230.6,
        dayLow: 229.8,
        open: 229.95,
        currency: 'USD',
        exchange: 'NMS',
        marketState: 'REGULAR',
      },
      {
        ...live,
        time: at('2026-03-09T13:33:31Z'),
        price: 230.55,
        dayVolume: 1_400_000,
        size: 100,
        bid: 230.29,
        ask: 230.32,
        dayHigh: 230.35,
        dayLow: 229.8,
        open: 229.95,
      },
    ]);
    const [chartRequest] = yahoo.calls('/v8/finance/chart/AAPL');
    expect(chartRequest!.searchParams.get('interval')).toBe('1m');
    expect(Number(chartRequest!.searchParams.get('period1'))).toBe(at('2026-03-09T13:30:00Z') / 1000);
    expect(yahoo.calls('/v8/finance/chart/MSFT')).toHaveLength(0);
    expect(recording.rejected[0]!.reason).toMatch(/^cannot decode streamer frame/);
    expect(recording.statuses).toContain('streaming 2 symbols');
    expect(recording.statuses.some((s) => s.startsWith('streamer disconnected; reconnecting in'))).toBe(true);
  });

  it('keeps retrying with backoff while the streamer is unreachable, and stops on the signal', async () => {
    const recording = recordingContext(['AAPL', 'MSFT'], { stopAtSleep: 3 });
    // a port nobody listens on
    const config = testConfig({ source: { yahooStream: { url: 'ws://127.0.0.1:9/' } } });
    await runYahooStream(config, recording.ctx, { sleep: recording.sleep });
    expect(recording.sleeps).toHaveLength(3);
    expect(recording.sleeps[0]).toBeLessThanOrEqual(1_000);
    expect(recording.sleeps[2]).toBeGreaterThanOrEqual(2_000);
    expect(recording.statuses[0]).toMatch(/^cannot reach the Yahoo streamer/);
  });
});
