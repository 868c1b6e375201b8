import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.ts';
import { createLogger } from '../ui/logger.ts';
import { startStatus } from './status.ts';

function jsonLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = {
    write: (text: string) => (lines.push(JSON.parse(text) as Record<string, unknown>), true),
  } as unknown as NodeJS.WritableStream;
  return { logger: createLogger({ json: true, stream }), lines };
}

describe('produce status', () => {
  it('logs ticks per second per source as NDJSON, and source statuses once per change', async () => {
    const { logger, lines } = jsonLogger();
    const status = await startStatus(logger, { intervalMs: 100 });
    const began = Date.now();
    status.count('backfill', 40);
    status.count('synthetic', 300);
    status.sourceStatus('synthetic', 'market closed');
    status.sourceStatus('synthetic', 'market closed');
    await waitFor(() => lines.some((l) => l.source === 'synthetic' && l.ticksPerSecond !== undefined), 'a rate line');
    const elapsed = (Date.now() - began) / 1000;
    status.stop();

    expect(lines.filter((l) => l.status === 'market closed')).toHaveLength(1);
    const rate = lines.find((l) => l.source === 'synthetic' && l.ticksPerSecond !== undefined)!;
    expect(rate).toMatchObject({
      level: 'info',
      total: 300,
      msg: expect.stringMatching(/^synthetic: [\d,]+ ticks\/s, 300 published$/),
    });
    // 300 ticks over the first interval (≥ 100 ms): at most 3,000 per second, and no less than over the whole wait
    expect(rate.ticksPerSecond).toBeLessThanOrEqual(3_000);
    expect(rate.ticksPerSecond).toBeGreaterThanOrEqual(Math.floor(300 / elapsed));
    expect(status.totals()).toEqual({ backfill: 40, synthetic: 300 });
  });
});
