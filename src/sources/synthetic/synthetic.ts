/** The `synthetic` source: the generator paced to `rate` ticks per second of wall-clock time. */
import type { Config } from '../../config/schema.ts';
import { sleep } from '../../util/retry.ts';
import { latestSession, marketStateAt } from '../market-hours.ts';
import type { Source, SourceContext, SourceModule } from '../types.ts';
import { createSyntheticGenerator } from './generator.ts';

type SyntheticConfig = Config['source']['synthetic'];

/** At most this many ticks per emit, so a slow consumer of the batches still sees steady pieces. */
const MAX_BATCH = 5_000;
/** Wake up at most this often; at high rates each wake-up emits a batch. */
const MIN_SLEEP_MS = 10;

/**
 * Without a configured start the event clock follows the wall clock during a session, and replays
 * the latest session otherwise, so times are never in the future.
 */
export function defaultStart(now: number): number {
  return marketStateAt(now) === 'REGULAR' ? now : latestSession(now).open;
}

export async function runSynthetic(
  options: SyntheticConfig,
  ctx: SourceContext,
  now: () => number = Date.now,
): Promise<void> {
  const generator = createSyntheticGenerator({
    symbols: ctx.symbols,
    seed: options.seed,
    volatility: options.volatility,
    rate: options.rate,
    start: options.start ? Date.parse(options.start) : defaultStart(now()),
  });
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const started = now();
  let emitted = 0;
  while (!ctx.signal.aborted && emitted < limit) {
    // The first tick is due at once; then one every 1000/rate ms.
    const due = Math.floor(((now() - started) * options.rate) / 1000) + 1 - emitted;
    if (due <= 0) {
      const untilNext = (emitted * 1000) / options.rate - (now() - started);
      await sleep(Math.max(MIN_SLEEP_MS, untilNext), ctx.signal);
      continue;
    }
    const count = Math.min(due, MAX_BATCH, limit - emitted);
    await ctx.emit(generator.next(count));
    emitted += count;
  }
}

export const syntheticSource: SourceModule = {
  create(config, deps = {}): Source {
    return { name: 'synthetic', run: (ctx) => runSynthetic(config.source.synthetic, ctx, deps.now) };
  },
};
