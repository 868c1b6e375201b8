/**
 * `watch` with stdout not a terminal (a pipe, like CI or `| tee`): the built CLI as a child
 * process, driven by the replay and synthetic sources, its lines compared with values computed
 * straight from the input.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSyntheticGenerator } from '../../src/sources/synthetic/generator.ts';
import { runCli, startCli } from '../support/cli.ts';
import { emptyDir, expectedFor, FIXTURE, iso, readFixture, wideBars, type ExpectedBar } from './support.ts';

const fixed = (value: number) => value.toFixed(2);
const signed = (value: number) => (value > 0 ? `+${fixed(value)}` : fixed(value));
/** The console sink's number form in bar lines: up to 4 decimals, no trailing zeros. */
const short = (value: number) => String(Math.round(value * 10_000) / 10_000);

function barPattern(symbol: string, bar: ExpectedBar): RegExp {
  const escape = (text: string) => text.replace(/[.+]/g, '\\$&');
  const prices = `o=${short(bar.open)} h=${short(bar.high)} l=${short(bar.low)} c=${short(bar.close)} v=${bar.volume}`;
  return new RegExp(`^bar +${symbol} 1m ${escape(iso(bar.start))} ${escape(prices)} vwap=\\S+ ticks=${bar.ticks}$`);
}

function lastLineOf(lines: string[], prefix: string): string | undefined {
  return lines.filter((line) => line.startsWith(prefix)).at(-1);
}

describe('watch, plain lines (stdout is not a terminal)', () => {
  it('replays a file and prints each symbol’s final state, every closed bar and the alert, exactly', async () => {
    const limit = 34;
    const ticks = readFixture().slice(0, limit);
    const expected = expectedFor(ticks);
    const result = await runCli(
      ['watch', '--source', 'replay', '--file', FIXTURE, '--speed', '0', '--limit', String(limit)],
      { cwd: emptyDir() },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');

    for (const [symbol, want] of expected) {
      const range = `low=${fixed(want.low)} high=${fixed(want.high)}`;
      const summary = `tick      ${symbol} ${iso(want.time)} last=${fixed(want.last)} chg=${signed(want.change)} chg%=${signed(want.changePct)} ${range} vol=${want.dayVolume} bars=${want.bars.length} market=open`;
      expect(lastLineOf(lines, `tick      ${symbol} `)).toBe(summary);
      const barLines = lines.filter((line) => new RegExp(`^bar +${symbol} 1m `).test(line));
      expect(barLines).toHaveLength(want.bars.length);
      want.bars.forEach((bar, i) => expect(barLines[i]).toMatch(barPattern(symbol, bar)));
    }

    const wide = wideBars(expected.get('AAPL')!.bars, 1.5);
    expect(wide).toHaveLength(1);
    const alerts = lines.filter((line) => line.startsWith('alert'));
    const spread = ((wide[0]!.high - wide[0]!.low) / wide[0]!.low) * 100;
    expect(alerts).toEqual([
      `alert     AAPL warning wide-bar ${iso(wide[0]!.start)} AAPL moved ${spread.toFixed(2)}% within one 1m bar (low ${fixed(wide[0]!.low)}, high ${fixed(wide[0]!.high)})`,
    ]);
    expect(wideBars(expected.get('MSFT')!.bars, 1.5)).toHaveLength(0);
    // The alert comes right after the bar that raised it.
    expect(lines[lines.indexOf(alerts[0]!) - 1]).toMatch(barPattern('AAPL', wide[0]!));
  });

  it('writes NDJSON with --json: tick-summary, bar, indicator and alert objects', async () => {
    const ticks = readFixture();
    const expected = expectedFor(ticks);
    const result = await runCli(['--json', 'watch', '--file', FIXTURE, '--speed', '0', 'AAPL'], { cwd: emptyDir() });
    expect(result.code).toBe(0);
    const records = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(new Set(records.map((r) => r.kind))).toEqual(new Set(['tick-summary', 'bar', 'indicator', 'alert']));
    // Symbols given as arguments filter the replay.
    expect(records.every((r) => r.symbol === 'AAPL')).toBe(true);

    const want = expected.get('AAPL')!;
    const summary = records.filter((r) => r.kind === 'tick-summary').at(-1)!;
    expect(summary).toMatchObject({
      symbol: 'AAPL',
      time: want.time,
      price: want.last,
      dayVolume: want.dayVolume,
      dayLow: want.low,
      dayHigh: want.high,
      bars: want.bars.length,
    });
    expect(summary.changePct as number).toBeCloseTo(want.changePct, 10);
    const bars = records.filter((r) => r.kind === 'bar' && r.interval === '1m');
    expect(bars.map((b) => [b.start, b.open, b.high, b.low, b.close, b.volume, b.ticks])).toEqual(
      want.bars.map((b) => [b.start, b.open, b.high, b.low, b.close, b.volume, b.ticks]),
    );
    const alerts = records.filter((r) => r.kind === 'alert');
    expect(alerts.map((a) => [a.rule, a.time])).toEqual([['wide-bar', wideBars(want.bars, 1.5)[0]!.start]]);
  });

  it('runs the synthetic source and ends at --limit with the generator’s last prices', async () => {
    const dir = emptyDir();
    const start = '2026-03-02T14:30:00Z';
    const configFile = join(dir, 'stockstream.config.json');
    writeFileSync(configFile, JSON.stringify({ source: { synthetic: { start } } }));
    const limit = 120;
    const result = await runCli(
      ['watch', '--source', 'synthetic', '--rate', '2000', '--seed', '7', '--limit', String(limit), 'AAPL', 'MSFT'],
      { cwd: dir },
    );
    expect(result.code).toBe(0);

    const generated = createSyntheticGenerator({
      symbols: ['AAPL', 'MSFT'],
      seed: 7,
      volatility: 0.3,
      rate: 2000,
      start: Date.parse(start),
    }).next(limit);
    const lines = result.stdout.trimEnd().split('\n');
    for (const symbol of ['AAPL', 'MSFT']) {
      const last = generated.filter((tick) => tick.symbol === symbol).at(-1)!;
      const line = lastLineOf(lines, `tick      ${symbol} `);
      expect(line).toContain(`${symbol} ${iso(last.time)} last=${fixed(last.price)} `);
      expect(line).toContain(` vol=${last.dayVolume} `);
    }
  });

  it('stops on SIGTERM with exit code 0 and the final state of every symbol', async () => {
    const run = startCli(['watch', '--source', 'synthetic', 'AAPL', 'MSFT'], { cwd: emptyDir() });
    await run.waitForStdout(/tick +MSFT/, 'the first MSFT line', 15_000);
    expect((await run.stop('SIGTERM')).code).toBe(0);
    expect(run.stdout()).toMatch(/tick +AAPL .* last=\d+\.\d\d /);
  });
});
