import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/produce/helpers/kafka.ts';
import { recordingContext } from '../../../test/produce/helpers/source-context.ts';
import { UsageError } from '../../errors.ts';
import { encodeTick, type Tick } from '../../model.ts';
import { runReplay } from './replay.ts';

const dir = mkdtempSync(join(tmpdir(), 'stockstream-replay-'));
const at = (iso: string) => Date.parse(iso);

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function replay(path: string, speed = 0) {
  const recording = recordingContext(['IGNORED']);
  let clock = 1_000_000;
  const deps = {
    now: () => clock,
    sleep: async (ms: number) => {
      recording.sleeps.push(ms);
      clock += ms;
    },
  };
  await runReplay(testConfig({ source: { replay: { file: path, speed } } }), recording.ctx, deps);
  return recording;
}

const recorded: Tick = {
  symbol: 'NVDA',
  time: at('2026-03-10T15:30:00Z'),
  price: 880.5,
  source: 'synthetic',
  dayVolume: 1200,
  size: 100,
  marketState: 'REGULAR',
};

describe('replay source', () => {
  it('reads recorded lines exactly, plain tick objects, bars, and rejects what it cannot read', async () => {
    const path = file('mixed.ndjson', [
      encodeTick(recorded),
      JSON.stringify({ symbol: 'AAPL', time: '2026-03-10T15:30:01Z', price: 231.5, dayVolume: 500 }),
      '{"symbol": "AAPL", "time": 1773156602, "price": ',
      JSON.stringify({ symbol: 'AAPL', time: at('2026-03-10T15:30:03Z') }),
      JSON.stringify({
        symbol: 'MSFT',
        interval: '1m',
        start: at('2026-03-10T15:30:00Z'),
        end: at('2026-03-10T15:31:00Z'),
        open: 415,
        high: 416,
        low: 414.5,
        close: 415.5,
        volume: 3000,
        final: true,
      }),
      JSON.stringify({
        symbol: 'MSFT',
        interval: '1m',
        start: at('2026-03-10T15:31:00Z'),
        open: 415.5,
        high: 416,
        low: 415,
        close: 415.8,
        volume: 900,
        final: false,
      }),
      JSON.stringify({
        symbol: 'MSFT',
        start: '2026-03-10T15:32:00Z',
        open: 415.8,
        high: 417,
        low: 415.6,
        close: 416.9,
        volume: 1100,
      }),
      JSON.stringify({ symbol: 'AAPL', time: at('2026-03-10T15:30:04Z'), price: -1 }),
    ]);
    const recording = await replay(path);
    expect(recording.ticks()).toEqual([
      recorded,
      { symbol: 'AAPL', time: at('2026-03-10T15:30:01Z'), price: 231.5, dayVolume: 500, source: 'replay' },
      {
        symbol: 'MSFT',
        time: at('2026-03-10T15:30:00Z'),
        price: 415.5,
        source: 'replay',
        dayVolume: 3000,
        dayHigh: 416,
        dayLow: 414.5,
        open: 415,
        marketState: 'REGULAR',
      },
      {
        symbol: 'MSFT',
        time: at('2026-03-10T15:32:00Z'),
        price: 416.9,
        source: 'replay',
        dayVolume: 4100,
        dayHigh: 417,
        dayLow: 414.5,
        open: 415,
        marketState: 'REGULAR',
      },
    ]);
    expect(recording.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/^neither a tick/),
      'price must be a positive number',
    ]);
    expect(recording.rejected[0]!.raw).toBe('{"symbol": "AAPL", "time": 1773156602, "price": ');
    expect(recording.logLines.join('')).toContain('replay: 3 records of');
  });

  it('reads CSV ticks and bars', async () => {
    const ticks = file('ticks.csv', [
      'symbol,time,price,dayVolume,bid,ask',
      'AAPL,2026-03-10T15:30:00Z,231.54,100,231.5,',
      'msft,1773156601000,415.1,,,',
    ]);
    expect((await replay(ticks)).ticks()).toEqual([
      { symbol: 'AAPL', time: at('2026-03-10T15:30:00Z'), price: 231.54, dayVolume: 100, bid: 231.5, source: 'replay' },
      { symbol: 'MSFT', time: 1773156601000, price: 415.1, source: 'replay' },
    ]);
    const bars = file('bars.csv', [
      'symbol,date,open,high,low,close,volume',
      'AAPL,2026-03-10T15:30:00Z,231,232,230.5,231.8,700',
      'AAPL,2026-03-10T15:31:00Z,231.8,232.1,231.6,232,300',
    ]);
    expect((await replay(bars)).ticks().map((t) => [t.price, t.dayVolume])).toEqual([
      [231.8, 700],
      [232, 1000],
    ]);
  });

  it('keeps the original pace times the speed, and goes as fast as possible at speed 0', async () => {
    const lines = [0, 1000, 1000, 4000].map((ms, i) =>
      encodeTick({ ...recorded, time: recorded.time + ms, dayVolume: 1200 + i }),
    );
    const path = file('paced.ndjson', lines);
    const paced = await replay(path, 10);
    expect(paced.sleeps).toEqual([100, 300]);
    expect(paced.batches.map((b) => b.length)).toEqual([1, 2, 1]);
    const fast = await replay(path, 0);
    expect(fast.sleeps).toEqual([]);
    expect(fast.ticks()).toHaveLength(4);
  });

  it('is a usage error when the file is missing', async () => {
    await expect(replay(join(dir, 'nope.ndjson'))).rejects.toThrow(UsageError);
    await expect(replay(join(dir, 'nope.ndjson'))).rejects.toThrow(/^--file: cannot read .*nope\.ndjson/);
  });
});
