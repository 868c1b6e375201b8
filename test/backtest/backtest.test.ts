/**
 * `stockstream backtest` on a session file: the firings of a volatility rule and their forward
 * returns are computed here from the ticks with plain arithmetic (1m windows, hysteresis and
 * cooldown as documented in src/windows/alerts/gate.ts), and `watch --file` with the same rules
 * must report the same firings.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tick } from '../../src/model.ts';
import { cleanEnv, runCli } from '../support/cli.ts';
import { writeSessionFile } from '../support/session-file.ts';

const MINUTE = 60_000;
const SPREAD_PCT = 0.4;
const COOLDOWN_MS = 5 * MINUTE;
const HORIZONS = { '5m': 5 * MINUTE, '30m': 30 * MINUTE };
const RULES = [{ name: 'wide-0.4', type: 'volatility', spreadPct: SPREAD_PCT, cooldown: '5m', severity: 'warning' }];

interface Expected {
  time: number;
  symbol: string;
  price: number;
  returns: Record<string, number>;
}

/** Textbook: 1m bars from the ticks, then the rule with re-arming and a per-symbol cooldown. */
function expectedFirings(ticks: readonly Tick[]): Expected[] {
  const firings: Expected[] = [];
  for (const symbol of ['AAPL', 'MSFT']) {
    const mine = ticks.filter((tick) => tick.symbol === symbol);
    const bars = new Map<number, { high: number; low: number; close: number }>();
    for (const tick of mine) {
      const start = Math.floor(tick.time / MINUTE) * MINUTE;
      const bar = bars.get(start);
      if (!bar) bars.set(start, { high: tick.price, low: tick.price, close: tick.price });
      else {
        bar.high = Math.max(bar.high, tick.price);
        bar.low = Math.min(bar.low, tick.price);
        bar.close = tick.price;
      }
    }
    let armed = true;
    let last: number | undefined;
    for (const [start, bar] of [...bars].sort((a, b) => a[0] - b[0])) {
      const triggered = ((bar.high - bar.low) / bar.low) * 100 >= SPREAD_PCT;
      if (!triggered) {
        armed = true;
        continue;
      }
      if (!armed) continue;
      armed = false;
      if (last !== undefined && start - last < COOLDOWN_MS) continue;
      last = start;
      const end = start + MINUTE;
      const returns: Record<string, number> = {};
      for (const [label, ms] of Object.entries(HORIZONS)) {
        const before = mine.filter((tick) => tick.time < end + ms);
        if (before.length < mine.length) returns[label] = (before.at(-1) as Tick).price / bar.close - 1;
      }
      firings.push({ time: start, symbol, price: bar.close, returns });
    }
  }
  return firings.sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : 1));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

describe('stockstream backtest', () => {
  let file: string;
  let ticks: Tick[];
  let dir: string;
  let rulesFile: string;
  beforeAll(() => {
    ({ file, ticks } = writeSessionFile());
    dir = mkdtempSync(join(tmpdir(), 'stockstream-backtest-'));
    rulesFile = join(dir, 'try.yaml');
    writeFileSync(rulesFile, JSON.stringify(RULES));
  });

  it('prints every firing with its forward returns, and the per-rule summary (--json)', async () => {
    const result = await runCli(['--json', 'backtest', '--file', file, '--rules', rulesFile, '--horizons', '5m,30m'], {
      cwd: dir,
      env: cleanEnv(),
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const firings = records.filter((record) => record.kind === 'firing');
    const expected = expectedFirings(ticks);
    // Enough firings that the comparison means something.
    expect(expected.length).toBeGreaterThan(5);
    expect(firings.map((firing) => ({ time: firing.time, symbol: firing.symbol, price: firing.price }))).toEqual(
      expected.map(({ time, symbol, price }) => ({ time, symbol, price })),
    );
    for (const [i, firing] of firings.entries()) {
      const want = (expected[i] as Expected).returns;
      const got = firing.returns as Record<string, number>;
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const label of Object.keys(want)) expect(got[label]).toBeCloseTo(want[label] as number, 12);
    }
    const summary = records.find((record) => record.kind === 'summary') as {
      rules: Array<{
        rule: string;
        firings: number;
        bySymbol: Record<string, number>;
        horizons: Record<string, { count: number; mean: number; median: number; positive: number }>;
      }>;
    };
    const rule = summary.rules[0]!;
    expect(rule.rule).toBe('wide-0.4');
    expect(rule.firings).toBe(expected.length);
    expect(rule.bySymbol).toEqual({
      AAPL: expected.filter((f) => f.symbol === 'AAPL').length,
      MSFT: expected.filter((f) => f.symbol === 'MSFT').length,
    });
    const thirty = expected.flatMap((firing) => (firing.returns['30m'] === undefined ? [] : [firing.returns['30m']]));
    expect(rule.horizons['30m']!.count).toBe(thirty.length);
    expect(rule.horizons['30m']!.mean).toBeCloseTo(thirty.reduce((a, b) => a + b, 0) / thirty.length, 12);
    expect(rule.horizons['30m']!.median).toBeCloseTo(median(thirty), 12);
    expect(rule.horizons['30m']!.positive).toBeCloseTo(thirty.filter((value) => value > 0).length / thirty.length, 12);
  });

  it('finds the same firings as watch --file with the same rules in the config', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'stockstream-backtest-config-'));
    // The one setting this test is about: the rule set both commands run.
    writeFileSync(
      join(configDir, 'stockstream.config.json'),
      JSON.stringify({ windows: { alerts: { rules: RULES } } }),
    );
    const [watch, backtest] = await Promise.all([
      runCli(['--json', 'watch', '--file', file, '--speed', '0'], {
        cwd: configDir,
        env: cleanEnv(),
        timeoutMs: 60_000,
      }),
      runCli(['--json', 'backtest', '--file', file], { cwd: configDir, env: cleanEnv(), timeoutMs: 60_000 }),
    ]);
    expect(watch.code, watch.stderr).toBe(0);
    expect(backtest.code, backtest.stderr).toBe(0);
    const pick = (stdout: string, kind: string) =>
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((record) => record.kind === kind)
        .map((record) => `${String(record.time)} ${String(record.symbol)} ${String(record.rule)}`)
        .sort();
    const fromWatch = pick(watch.stdout, 'alert');
    expect(fromWatch.length).toBeGreaterThan(5);
    expect(pick(backtest.stdout, 'firing')).toEqual(fromWatch);
  });

  it('says what is missing when there is no history', async () => {
    const result = await runCli(['backtest'], { cwd: dir, env: cleanEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/backtest needs history: --file, or --from and --to/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('backtest over Yahoo chart bars', () => {
  it('sees each bar with its own range (a volatility rule fires on the wide bars)', async () => {
    const { configSchema } = await import('../../src/config/schema.ts');
    const { yahooHistory } = await import('../../src/backtest/history.ts');
    const { runBacktest } = await import('../../src/backtest/run.ts');
    const { createLogger } = await import('../../src/ui/logger.ts');
    const { fakeYahoo, fixture } = await import('../support/fake-yahoo.ts');
    // Five 1m bars of Monday 2 March 2026 from 09:30 New York; the third and fifth are 1% wide.
    const start = Date.UTC(2026, 2, 2, 14, 30);
    const times = [0, 1, 2, 3, 4].map((i) => (start + i * MINUTE) / 1000);
    const quote = {
      open: [100, 100.1, 100.2, 100.1, 100],
      high: [100.2, 100.3, 101.2, 100.2, 101.1],
      low: [99.9, 100, 100.2, 100, 100],
      close: [100.1, 100.2, 100.1, 100, 101],
      volume: [1000, 1000, 1000, 1000, 1000],
    };
    const recorded = fixture('chart-aapl-1m') as { chart: { result: Array<{ meta: unknown }> } };
    const yahoo = fakeYahoo({
      '/v8/finance/chart/AAPL': [
        {
          body: {
            chart: {
              result: [{ meta: recorded.chart.result[0]!.meta, timestamp: times, indicators: { quote: [quote] } }],
              error: null,
            },
          },
        },
      ],
    });
    // The rule this test is about; cooldown 1m so both wide bars can fire.
    const config = configSchema.parse({
      symbols: ['AAPL'],
      windows: { alerts: { rules: [{ name: 'wide-1', type: 'volatility', spreadPct: 0.99, cooldown: '1m' }] } },
    });
    const logger = createLogger({ stream: { write: () => true } as unknown as NodeJS.WritableStream });
    const history = yahooHistory(
      config,
      { from: start, to: start + 5 * MINUTE },
      logger,
      new AbortController().signal,
      { fetch: yahoo.fetch, now: () => start + 10 * MINUTE },
    );
    const result = await runBacktest(config, history, ['1m']);
    expect(result.firings.map((firing) => [firing.time, firing.price])).toEqual([
      [start + 2 * MINUTE, 100.1],
      [start + 4 * MINUTE, 101],
    ]);
    // 1m after the first firing's bar (it ends 09:33) the last trade before 09:34 is the fourth bar's close; the second firing has no trade after its horizon.
    expect(result.firings[0]!.returns['1m']).toBeCloseTo(100 / 100.1 - 1, 12);
    expect(result.firings[1]!.returns).toEqual({});
  });
});
