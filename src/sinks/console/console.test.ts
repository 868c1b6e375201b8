import { Writable } from 'node:stream';
import chalk from 'chalk';
import { describe, expect, it } from 'vitest';
import type { Alert, Bar, IndicatorPoint, WindowOutput } from '../../model.ts';
import { createOutput } from '../../ui/output.ts';
import { configSchema } from '../../config/schema.ts';
import { createConsoleSink, createConsoleTable } from './console.ts';

/** The shipped window settings. */
const windows = configSchema.parse({}).windows;

chalk.level = 0;

const bar: Bar = {
  symbol: 'AAPL',
  interval: '1m',
  start: Date.parse('2026-01-06T14:31:00Z'),
  end: Date.parse('2026-01-06T14:32:00Z'),
  open: 190,
  high: 191.5,
  low: 189.75,
  close: 191,
  volume: 1200,
  vwap: 190.61234,
  ticks: 42,
  final: true,
};
const point: IndicatorPoint = {
  symbol: 'AAPL',
  interval: '1m',
  time: bar.start,
  values: { rsi_14: 61.25, sma_20: 190.4 },
  trend: 'up',
};
const alert: Alert = {
  symbol: 'AAPL',
  rule: 'drop-2pct-5m',
  type: 'price-change',
  severity: 'warning',
  interval: '1m',
  time: bar.start,
  message: 'AAPL fell 2.1% in 5m',
  value: -2.1,
  threshold: 2,
};
const outputs: WindowOutput[] = [
  { kind: 'tick', tick: { symbol: 'AAPL', time: bar.start, price: 191, source: 'test' } },
  { kind: 'bar', bar: { ...bar, final: false } },
  { kind: 'bar', bar },
  { kind: 'indicator', point },
  { kind: 'alert', alert },
];

function capture(json: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const sink = createConsoleSink({ json, tty: false, out: createOutput(json, stream) }, windows);
  return { sink, text: () => text };
}

async function writeAccepted(sink: ReturnType<typeof createConsoleSink>): Promise<void> {
  await sink.write(outputs.filter((output) => sink.accepts(output)));
}

describe('console sink', () => {
  it('writes NDJSON records of closed bars, indicators and alerts with --json', async () => {
    const { sink, text } = capture(true);
    await writeAccepted(sink);
    const records = text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      { kind: 'bar', ...bar },
      { kind: 'indicator', ...point },
      { kind: 'alert', ...alert },
    ]);
  });

  it('writes one readable line each otherwise', async () => {
    const { sink, text } = capture(false);
    await writeAccepted(sink);
    expect(text().split('\n').filter(Boolean)).toEqual([
      'bar       AAPL 1m 2026-01-06T14:31:00.000Z o=190 h=191.5 l=189.75 c=191 v=1200 vwap=190.6123 ticks=42',
      'indicator AAPL 1m 2026-01-06T14:31:00.000Z rsi_14=61.25 sma_20=190.4 trend=up',
      'alert     AAPL warning drop-2pct-5m 2026-01-06T14:31:00.000Z AAPL fell 2.1% in 5m',
    ]);
  });
});

describe('live table', () => {
  it("is watch's table: the latest price and change, bars' indicators and trend per symbol", () => {
    const table = createConsoleTable(windows);
    table.update({
      kind: 'tick',
      tick: { symbol: 'AAPL', time: bar.end, price: 191, previousClose: 190, source: 'test' },
    });
    for (const output of outputs) table.update(output);
    table.update({
      kind: 'tick',
      tick: { symbol: 'MSFT', time: bar.start, price: 400, previousClose: 410, source: 'test' },
    });
    const [header, aapl, msft] = table.render(200);
    expect(header).toMatch(
      /^SYMBOL\s+LAST\s+CHG\s+CHG%\s+DAY RANGE\s+VOLUME\s+LAST 20×1m\s+SMA20\s+EMA12\s+RSI14\s+TREND\s+MARKET$/,
    );
    const cells = (line: string) => line.trim().split(/\s{2,}/);
    expect(cells(aapl!)).toEqual([
      'AAPL',
      '191.00',
      '+1.00',
      '+0.53%',
      '191.00–191.00',
      '—',
      '▄',
      '190.40',
      '—',
      '61.25',
      '↑',
      '—',
    ]);
    // No bars of MSFT yet: an empty sparkline, no indicator values, no trend.
    expect(cells(msft!)).toEqual(['MSFT', '400.00', '-10.00', '-2.44%', '400.00–400.00', '—', '—', '—', '—', '—', '—']);
  });
});
