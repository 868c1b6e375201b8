/**
 * A whole regular session in a replay file: Monday 2 March 2026, 09:30–16:00 New York, one tick of
 * each of AAPL and MSFT every 4 s, from the seeded synthetic generator (so it is the same file on
 * every run) with the volatility of a lively day. The tests compute what they expect from these
 * ticks with plain arithmetic, not through the window pipeline.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tick } from '../../src/model.ts';
import { createSyntheticGenerator } from '../../src/sources/synthetic/generator.ts';

export const SESSION_OPEN = Date.UTC(2026, 2, 2, 14, 30);
export const SESSION_CLOSE = Date.UTC(2026, 2, 2, 21, 0);

export function writeSessionFile(): { file: string; ticks: Tick[] } {
  const rate = 0.5;
  const generator = createSyntheticGenerator({
    symbols: ['AAPL', 'MSFT'],
    seed: 7,
    volatility: 0.6,
    rate,
    start: SESSION_OPEN,
  });
  const ticks = generator
    .next(Math.floor(((SESSION_CLOSE - SESSION_OPEN) / 1000) * rate))
    .map((tick) => ({ ...tick, source: 'replay' }));
  const file = join(mkdtempSync(join(tmpdir(), 'stockstream-session-')), 'session.ndjson');
  writeFileSync(file, ticks.map((tick) => JSON.stringify({ v: 1, ...tick })).join('\n') + '\n');
  return { file, ticks };
}
