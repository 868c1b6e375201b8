/**
 * The `replay` source: ticks (or bars) from an NDJSON or CSV file, at the original pace × speed,
 * or as fast as possible with speed 0. Every symbol in the file is replayed. Records that cannot be
 * read go to the dead-letter topic with the reason.
 */
import type { Config } from '../../config/schema.ts';
import { UsageError, errorMessage } from '../../errors.ts';
import type { Tick } from '../../model.ts';
import { sleep } from '../../util/retry.ts';
import { createBarTicker } from '../backfill/bar-ticks.ts';
import type { Source, SourceContext, SourceDeps, SourceModule } from '../types.ts';
import { assertReadable, readRecords } from './read-file.ts';
import { parseRecord } from './records.ts';

const MAX_BATCH = 1_000;

export async function runReplay(config: Config, ctx: SourceContext, deps: SourceDeps = {}): Promise<void> {
  const { file, speed } = config.source.replay;
  if (!file)
    throw new UsageError('the replay source needs a file', 'pass --file session.ndjson (or set source.replay.file)');
  await assertReadable(file);
  const now = deps.now ?? Date.now;
  const pause = deps.sleep ?? sleep;
  const ticker = createBarTicker({ source: 'replay' });
  const started = now();
  let firstTime: number | undefined;
  let batch: Tick[] = [];
  let rejected = 0;

  const flush = async () => {
    if (batch.length === 0) return;
    const ready = batch;
    batch = [];
    await ctx.emit(ready);
  };
  const reject = async (raw: string, reason: string) => {
    rejected += 1;
    await ctx.reject?.(raw, reason);
  };

  for await (const record of readRecords(file)) {
    if (ctx.signal.aborted) break;
    if (!record.ok) {
      await reject(record.raw, record.reason);
      continue;
    }
    let ticks: Tick[];
    try {
      const parsed = parseRecord(record.value, record.line);
      ticks =
        parsed.kind === 'tick' ? [parsed.tick] : parsed.kind === 'bar' ? ticker.ticks(parsed.symbol, [parsed.bar]) : [];
    } catch (error) {
      await reject(record.line ?? JSON.stringify(record.value), errorMessage(error));
      continue;
    }
    for (const tick of ticks) {
      if (speed > 0) {
        firstTime ??= tick.time;
        const wait = started + (tick.time - firstTime) / speed - now();
        if (wait > 0) {
          await flush();
          await pause(wait, ctx.signal);
        }
      }
      batch.push(tick);
      if (batch.length >= MAX_BATCH) await flush();
    }
  }
  await flush();
  if (rejected > 0)
    ctx.logger.warn(
      `replay: ${rejected} record${rejected === 1 ? '' : 's'} of ${file} could not be read (sent to the dead-letter topic)`,
    );
}

export const replaySource: SourceModule = {
  create(config, deps): Source {
    return { name: 'replay', run: (ctx) => runReplay(config, ctx, deps) };
  },
};
