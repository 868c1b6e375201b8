/**
 * The `yahoo-stream` source: Yahoo's websocket streamer. Subscribes with `{"subscribe":[...]}`,
 * re-sends the subscription every `resubscribeEvery` (Yahoo silently forgets it), turns pricing
 * frames into ticks (stream-state.ts), reconnects with backoff, and after a reconnect fills the gap
 * of each symbol from `chart` 1m bars before subscribing again, so ticks stay in time order.
 */
import type { Config } from '../../config/schema.ts';
import { errorMessage } from '../../errors.ts';
import type { Tick } from '../../model.ts';
import { formatDuration } from '../../util/duration.ts';
import { backoffDelay, sleep } from '../../util/retry.ts';
import { createBarTicker } from '../backfill/bar-ticks.ts';
import type { Source, SourceContext, SourceDeps, SourceModule } from '../types.ts';
import { createYahooCaller, type YahooCaller } from '../yahoo/caller.ts';
import { ChartRangeError, fetchBars, NoChartDataError } from '../yahoo/chart.ts';
import { connectStream, type StreamConnection } from './connection.ts';
import { decodePricingData, type PricingData } from './pricing-data.ts';
import { createStreamState, type StreamState } from './stream-state.ts';

const MINUTE = 60_000;
const RECONNECT = { initialMs: 1_000, maxMs: 60_000 };

/** `{"type":"pricing","message":"<base64>"}` (version 2) or a bare base64 frame (version 1); other types are undefined. */
export function decodeFrame(frame: string): PricingData | undefined {
  let payload = frame;
  if (frame.trimStart().startsWith('{')) {
    const message = JSON.parse(frame) as { type?: unknown; message?: unknown };
    if (message.type !== 'pricing') return undefined;
    if (typeof message.message !== 'string') throw new Error('pricing frame without a message string');
    payload = message.message;
  }
  // Buffer.from skips characters that are not base64; we would rather know.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload.trim())) throw new Error('message is not base64');
  const data = decodePricingData(Buffer.from(payload, 'base64'));
  if (!data.id) throw new Error('pricing message without a symbol id');
  return data;
}

/**
 * Publishes, per symbol seen before the disconnect, the complete 1m bars that started after its last
 * tick, continuing its day volume (bar-ticks.ts). Symbols never seen are left to the stream.
 */
async function fillGap(
  ctx: SourceContext,
  caller: YahooCaller,
  state: StreamState,
  reconnectedAt: number,
  extendedHours: boolean,
): Promise<void> {
  let filled = 0;
  for (const last of [...state.lastTicks().values()]) {
    if (ctx.signal.aborted) return;
    // Only whole bars that began after the last tick are news.
    if (reconnectedAt - last.time < 2 * MINUTE) continue;
    let chart;
    try {
      chart = await fetchBars(
        caller,
        last.symbol,
        Math.floor(last.time / MINUTE) * MINUTE,
        reconnectedAt,
        '1m',
        extendedHours,
      );
    } catch (error) {
      if (!(error instanceof NoChartDataError || error instanceof ChartRangeError)) throw error;
      ctx.logger.warn(`gap fill: ${errorMessage(error)}`);
      continue;
    }
    if (chart === undefined) return;
    const ticker = createBarTicker({ source: 'yahoo-stream', backfill: true });
    ticker.seed(last.symbol, last, chart.meta.timezone);
    const bars = chart.bars.filter((bar) => bar.time > last.time && bar.time + MINUTE <= reconnectedAt);
    const ticks = ticker.ticks(last.symbol, bars, chart.meta);
    if (ticks.length === 0) continue;
    await ctx.emit(ticks);
    state.remember(ticks.at(-1)!);
    filled += ticks.length;
  }
  if (filled > 0) ctx.logger.info(`yahoo-stream: filled the gap with ${filled} bars from chart`);
}

function handleFrames(
  frames: string[],
  state: StreamState,
  ctx: SourceContext,
): { ticks: Tick[]; bad: Array<[string, string]> } {
  const ticks: Tick[] = [];
  const bad: Array<[string, string]> = [];
  for (const frame of frames) {
    try {
      const message = decodeFrame(frame);
      const tick = message && state.apply(message);
      if (tick) ticks.push(tick);
    } catch (error) {
      bad.push([frame, `cannot decode streamer frame: ${errorMessage(error)}`]);
    }
  }
  if (bad.length > 0) ctx.logger.debug(`yahoo-stream: ${bad.length} frames could not be decoded`);
  return { ticks, bad };
}

export async function runYahooStream(config: Config, ctx: SourceContext, deps: SourceDeps = {}): Promise<void> {
  const now = deps.now ?? Date.now;
  const pause = deps.sleep ?? sleep;
  const { url, resubscribeEvery } = config.source.yahooStream;
  const resubscribeMs = resubscribeEvery.ms;
  const extendedHours = config.source.extendedHours;
  const state = createStreamState(extendedHours);
  const caller = createYahooCaller(ctx, deps);
  const subscription = JSON.stringify({ subscribe: ctx.symbols });
  let failures = 0;
  let disconnectedAt: number | undefined;
  let current: StreamConnection | undefined;
  const closeOnAbort = () => current?.close();
  ctx.signal.addEventListener('abort', closeOnAbort);

  try {
    while (!ctx.signal.aborted) {
      try {
        current = await connectStream(url);
      } catch (error) {
        const delay = backoffDelay(failures++, RECONNECT);
        ctx.status(
          `cannot reach the Yahoo streamer (${errorMessage(error)}); retry in ${formatDuration(Math.round(delay))}`,
        );
        await pause(delay, ctx.signal);
        continue;
      }
      const connection = current;
      if (ctx.signal.aborted) {
        connection.close();
        break;
      }
      if (disconnectedAt !== undefined) await fillGap(ctx, caller, state, now(), extendedHours);
      connection.send(subscription);
      const resubscribe = setInterval(() => connection.send(subscription), resubscribeMs);
      ctx.status(`streaming ${ctx.symbols.length} symbols`);
      let frames = 0;
      try {
        for await (const batch of connection.batches()) {
          frames += batch.length;
          const { ticks, bad } = handleFrames(batch, state, ctx);
          for (const [frame, reason] of bad) await ctx.reject?.(frame, reason);
          if (ticks.length > 0) await ctx.emit(ticks);
        }
      } finally {
        clearInterval(resubscribe);
        connection.close();
      }
      if (ctx.signal.aborted) break;
      if (frames > 0) failures = 0;
      disconnectedAt = now();
      const delay = backoffDelay(failures++, RECONNECT);
      ctx.status(`streamer disconnected; reconnecting in ${formatDuration(Math.round(delay))}`);
      await pause(delay, ctx.signal);
    }
  } finally {
    ctx.signal.removeEventListener('abort', closeOnAbort);
  }
}

export const yahooStreamSource: SourceModule = {
  create(config, deps): Source {
    return { name: 'yahoo-stream', run: (ctx) => runYahooStream(config, ctx, deps) };
  },
};
