/** The pure parts of `watch`: the screen model, its sorting, the sparkline, the table and the lines. */
import { Chalk } from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Alert, Bar, Tick, WindowOutput } from '../../src/model.ts';
import type { Output } from '../../src/ui/output.ts';
import { visibleWidth } from '../../src/display/ansi.ts';
import { summaryLine, tickSummary } from '../../src/display/records.ts';
import { createLinePrinter } from '../../src/watch/lines.ts';
import {
  applyOutput,
  applyTick,
  changeOf,
  createWatchModel,
  sortedRows,
  type WatchModel,
} from '../../src/display/live-model.ts';
import { sparkline } from '../../src/display/sparkline.ts';
import { renderTable } from '../../src/display/table.ts';
import { SessionCalendar } from '../../src/windows/calendar.ts';

// 2026-03-02 (a Monday) 14:30 UTC = 09:30 New York.
const OPEN = Date.UTC(2026, 2, 2, 14, 30);
const calendar = new SessionCalendar('America/New_York');

function model(symbols = ['AAPL', 'MSFT', 'NVDA'], sparkBars = 5): WatchModel {
  return createWatchModel({ source: 'replay', symbols, interval: '1m', sparkBars, sort: 'symbol', calendar });
}

function tick(symbol: string, seconds: number, price: number, extra: Partial<Tick> = {}): Tick {
  return { symbol, time: OPEN + seconds * 1000, price, source: 'replay', ...extra };
}

function bar(symbol: string, minute: number, close: number, interval = '1m'): Bar {
  const start = OPEN + minute * 60_000;
  return {
    symbol,
    interval,
    start,
    end: start + 60_000,
    open: close,
    high: close,
    low: close,
    close,
    volume: 100,
    vwap: close,
    ticks: 1,
    final: true,
  };
}

function alert(symbol: string, minute: number, rule: string): Alert {
  return {
    symbol,
    rule,
    type: 'volatility',
    severity: 'warning',
    interval: '1m',
    time: OPEN + minute * 60_000,
    message: `${symbol} ${rule} fired`,
    value: 2,
    threshold: 1.5,
  };
}

function memoryOutput(): Output & { lines: string[] } {
  const lines: string[] = [];
  return {
    json: false,
    lines,
    record: (value) => lines.push(JSON.stringify(value)),
    line: (text) => lines.push(text),
  };
}

const plain = new Chalk({ level: 0 });
const colored = new Chalk({ level: 1 });
const tableOptions = {
  indicators: { sma: 20, ema: 12, rsi: 14 },
  columns: 200,
  rows: 40,
  clock: (t: number) => new Date(t).toISOString().slice(11, 19),
  dateClock: (t: number) => new Date(t).toISOString(),
};

describe('sparkline', () => {
  it('scales between the lowest and highest value, newest on the right', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([10, 0, 5], 3)).toBe('█▁▅');
  });

  it('right-aligns short series and keeps only the last `width` values', () => {
    expect(sparkline([1, 2], 4)).toBe('  ▁█');
    expect(sparkline([9, 9, 9, 1, 2], 2)).toBe('▁█');
    expect(sparkline([], 3)).toBe('   ');
  });

  it('draws a flat series at mid height', () => {
    expect(sparkline([5, 5, 5])).toBe('▄▄▄');
  });
});

describe('screen model', () => {
  it('measures the change against the previous close, tracks the day range and volume', () => {
    const m = model();
    applyTick(m, tick('AAPL', 1, 101, { previousClose: 100, dayVolume: 1_000, dayHigh: 101.5, dayLow: 100.5 }));
    const row = applyTick(m, tick('AAPL', 2, 99, { previousClose: 100, dayVolume: 1_500 }));
    expect(row.price).toBe(99);
    expect(changeOf(row)!.absolute).toBeCloseTo(-1, 10);
    expect(changeOf(row)!.percent).toBeCloseTo(-1, 10);
    expect(row.dayHigh).toBe(101.5);
    expect(row.dayLow).toBe(99);
    expect(row.dayVolume).toBe(1_500);
  });

  it('gives changes without float noise, and the change and its percentage always share their sign', () => {
    // Every cent step from 0.01 to 300.00 against a handful of references, penny stocks included:
    // the JSON of watch prints these numbers as they are, so 100.99 − 101 must be −0.01 exactly.
    const m = model();
    let second = 0; // ticks in time order, so each one is the row's latest price
    for (const reference of [0.0123, 0.5, 1, 19.99, 101, 250.37]) {
      for (let cents = 1; cents <= 30_000; cents += 7) {
        const price = cents / 100;
        const row = applyTick(m, tick('X', (second += 1), price, { previousClose: reference }));
        const change = changeOf(row)!;
        const exact = Math.round((price - reference) * 1e6) / 1e6;
        expect(change.absolute, `${price} - ${reference}`).toBe(exact);
        expect(Math.sign(change.percent), `${price} vs ${reference}`).toBe(Math.sign(change.absolute));
        expect(Number(change.percent.toPrecision(10)), 'at most 10 significant digits').toBe(change.percent);
        expect(Object.is(change.absolute, -0) || Object.is(change.percent, -0)).toBe(false);
      }
    }
    const row = applyTick(model(), tick('AAPL', 1, 100.99, { previousClose: 101 }));
    expect(JSON.stringify(changeOf(row))).toBe('{"absolute":-0.01,"percent":-0.009900990099}');
  });

  it('keeps the latest price when a tick arrives out of order', () => {
    const m = model();
    applyTick(m, tick('AAPL', 5, 105));
    const row = applyTick(m, tick('AAPL', 3, 103));
    expect(row.price).toBe(105);
    expect(row.dayLow).toBe(103);
  });

  it('without a previous close uses the open, then yesterday’s last price after a new day', () => {
    const m = model();
    let row = applyTick(m, tick('AAPL', 0, 50, { open: 40, size: 100 }));
    expect(row.referenceKind).toBe('open');
    expect(changeOf(row)!.percent).toBeCloseTo(25, 10);
    applyTick(m, tick('AAPL', 60, 55, { size: 50 }));
    expect(row.dayVolume).toBe(150);
    row = applyTick(m, tick('AAPL', 24 * 3600, 60, { size: 10 }));
    expect(row.referenceKind).toBe('previous-close');
    expect(row.reference).toBe(55);
    expect(row.dayVolume).toBe(10);
    expect(row.dayHigh).toBe(60);
  });

  it('keeps the last N closes of the watched interval only, with their indicators and the newest alerts first', () => {
    const m = model(['AAPL'], 3);
    for (let minute = 0; minute < 5; minute++) applyOutput(m, { kind: 'bar', bar: bar('AAPL', minute, 100 + minute) });
    applyOutput(m, { kind: 'bar', bar: bar('AAPL', 0, 500, '5m') });
    applyOutput(m, { kind: 'bar', bar: { ...bar('AAPL', 5, 600), final: false } });
    applyOutput(m, {
      kind: 'indicator',
      point: { symbol: 'AAPL', interval: '1m', time: OPEN, values: { sma_20: 101.25, rsi_14: 71 }, trend: 'up' },
    });
    applyOutput(m, { kind: 'indicator', point: { symbol: 'AAPL', interval: '5m', time: OPEN, values: { sma_20: 1 } } });
    applyOutput(m, { kind: 'alert', alert: alert('AAPL', 1, 'first') });
    applyOutput(m, { kind: 'alert', alert: alert('AAPL', 2, 'second') });
    const row = m.rows.get('AAPL')!;
    expect(row.closes).toEqual([102, 103, 104]);
    expect(row.bars).toBe(5);
    expect(row.indicators).toEqual({ sma_20: 101.25, rsi_14: 71 });
    expect(row.trend).toBe('up');
    expect(m.alerts.map((a) => a.rule)).toEqual(['second', 'first']);
  });

  it('moves its version on every change, so the screen redraws only then', () => {
    const m = model();
    const before = m.version;
    applyTick(m, tick('AAPL', 1, 1));
    expect(m.version).toBeGreaterThan(before);
    const after = m.version;
    applyOutput(m, { kind: 'bar', bar: bar('AAPL', 0, 1, '5m') });
    expect(m.version).toBe(after);
  });
});

describe('sorting', () => {
  function filled(): WatchModel {
    const m = model(['MSFT', 'AAPL', 'NVDA', 'TSLA']);
    applyTick(m, tick('MSFT', 1, 410, { previousClose: 400, dayVolume: 5_000 }));
    applyTick(m, tick('AAPL', 1, 190, { previousClose: 200, dayVolume: 9_000 }));
    applyTick(m, tick('NVDA', 1, 880, { previousClose: 880, dayVolume: 1_000 }));
    return m;
  }
  const order = (m: WatchModel, sort: 'symbol' | 'change' | 'volume' | 'price') =>
    sortedRows(m, sort).map((row) => row.symbol);

  it('sorts by symbol A→Z, and by change, volume or price from high to low with rows without data last', () => {
    const m = filled();
    expect(order(m, 'symbol')).toEqual(['AAPL', 'MSFT', 'NVDA', 'TSLA']);
    expect(order(m, 'change')).toEqual(['MSFT', 'NVDA', 'AAPL', 'TSLA']);
    expect(order(m, 'volume')).toEqual(['AAPL', 'MSFT', 'NVDA', 'TSLA']);
    expect(order(m, 'price')).toEqual(['NVDA', 'MSFT', 'AAPL', 'TSLA']);
  });

  it('renders the rows in the chosen order', () => {
    const m = filled();
    m.options.sort = 'change';
    const lines = renderTable(m, { ...tableOptions, colors: plain });
    const symbolsInOrder = lines.map((line) => /^(AAPL|MSFT|NVDA|TSLA) /.exec(line)?.[1]).filter(Boolean);
    expect(symbolsInOrder).toEqual(['MSFT', 'NVDA', 'AAPL', 'TSLA']);
  });
});

describe('table', () => {
  function screen(): WatchModel {
    const m = model(['AAPL', 'MSFT']);
    applyTick(
      m,
      tick('AAPL', 1, 187.5, { previousClose: 185, dayVolume: 1_234_567, dayLow: 185, marketState: 'REGULAR' }),
    );
    for (let minute = 0; minute < 3; minute++)
      applyOutput(m, { kind: 'bar', bar: bar('AAPL', minute, [1, 3, 2][minute]!) });
    applyOutput(m, {
      kind: 'indicator',
      point: {
        symbol: 'AAPL',
        interval: '1m',
        time: OPEN,
        values: { sma_20: 186.123, ema_12: 187.2, rsi_14: 75 },
        trend: 'down',
      },
    });
    applyOutput(m, { kind: 'alert', alert: alert('AAPL', 2, 'wide-bar') });
    m.lastTickTime = OPEN + 1000;
    return m;
  }

  it('shows price, change, range, volume, sparkline, indicators, trend and alerts', () => {
    const lines = renderTable(screen(), { ...tableOptions, colors: plain });
    const aapl = lines.find((line) => line.startsWith('AAPL'))!;
    expect(aapl.split(/\s{2,}/)).toEqual([
      'AAPL',
      '187.50',
      '+2.50',
      '+1.35%',
      '185.00–187.50',
      '1.23M',
      '▁█▅',
      '186.12',
      '187.20',
      '75.00',
      '↓',
      'open',
    ]);
    const msft = lines.find((line) => line.startsWith('MSFT'))!;
    expect(msft).toMatch(/…/);
    expect(msft).toMatch(/waiting$/);
    expect(lines.some((line) => line.includes('AAPL wide-bar fired'))).toBe(true);
    expect(lines[0]).toContain('last tick 2026-03-02T14:30:01.000Z');
  });

  it('has no escape sequences without colours (NO_COLOR) and colours gains and trend with them', () => {
    const bare = renderTable(screen(), { ...tableOptions, colors: plain });
    expect(bare.join('\n')).not.toMatch(/\u001b/);
    const painted = renderTable(screen(), { ...tableOptions, colors: colored });
    const aapl = painted.find((line) => stripVTControlCharacters(line).startsWith('AAPL'))!;
    expect(aapl).toContain(colored.green('+1.35%'));
    expect(aapl).toContain('\u001b[31m↓'); // red (SGR 31) opens right before the arrow
    expect(painted.map(stripVTControlCharacters)).toEqual(bare);
  });

  it('fits the terminal: whole columns give way by priority, never the symbol and its price', () => {
    const headerAt = (columns: number) =>
      renderTable(screen(), { ...tableOptions, colors: plain, columns })
        .find((line) => line.startsWith('SYMBOL'))!
        .trim();
    expect(headerAt(200).split(/\s{2,}/)).toEqual([
      'SYMBOL',
      'LAST',
      'CHG',
      'CHG%',
      'DAY RANGE',
      'VOLUME',
      'LAST 5×1m',
      'SMA20',
      'EMA12',
      'RSI14',
      'TREND',
      'MARKET',
    ]);
    expect(headerAt(80).split(/\s{2,}/)).toEqual([
      'SYMBOL',
      'LAST',
      'CHG',
      'CHG%',
      'DAY RANGE',
      'VOLUME',
      'LAST 5×1m',
      'TREND',
      'MARKET',
    ]);
    expect(headerAt(60).split(/\s{2,}/)).toEqual(['SYMBOL', 'LAST', 'CHG', 'CHG%', 'LAST 5×1m', 'TREND', 'MARKET']);
    expect(headerAt(20).split(/\s{2,}/)).toEqual(['SYMBOL', 'LAST']);
    const narrow = renderTable(screen(), { ...tableOptions, colors: colored, columns: 30 });
    for (const line of narrow) expect(visibleWidth(line)).toBeLessThanOrEqual(30);
    expect(renderTable(screen(), { ...tableOptions, colors: plain, columns: 80 }).at(-1)).toMatch(
      /· {2}3 columns hidden$/,
    );
  });

  it('fits the terminal: with more symbols than rows, "… N more", and the alerts and key line stay', () => {
    const m = model(Array.from({ length: 20 }, (_, i) => `S${String(i).padStart(2, '0')}`));
    for (const symbol of m.rows.keys()) applyTick(m, tick(symbol, 1, 100, { previousClose: 99 }));
    for (const minute of [1, 2, 3, 4]) applyOutput(m, { kind: 'alert', alert: alert('S00', minute, `rule-${minute}`) });
    const lines = renderTable(m, { ...tableOptions, colors: plain, rows: 16 });
    expect(lines).toHaveLength(16);
    const rows = lines.filter((line) => /^S\d\d /.test(line));
    // 16 lines: 4 above the table, a blank line, the alerts' title and 3 alerts, a blank line and the keys leave 5.
    expect(rows.map((line) => line.split(' ')[0])).toEqual(['S00', 'S01', 'S02', 'S03']);
    expect(lines[8]).toMatch(/^… 16 more/);
    expect(lines.filter((line) => /rule-\d/.test(line)).map((line) => /rule-\d/.exec(line)![0])).toEqual([
      'rule-4',
      'rule-3',
      'rule-2',
    ]);
    expect(lines.at(-1)).toMatch(/^q quit/);
    // Room to spare goes to the alerts: all 20 rows and all 4 alerts at 40 lines.
    const tall = renderTable(m, { ...tableOptions, colors: plain, rows: 40 });
    expect(tall.filter((line) => /^S\d\d /.test(line))).toHaveLength(20);
    expect(tall.filter((line) => /rule-\d/.test(line))).toHaveLength(4);
    expect(tall.some((line) => line.startsWith('…'))).toBe(false);
    // A terminal too short for anything else still shows the key line, last.
    const tiny = renderTable(m, { ...tableOptions, colors: plain, rows: 3 });
    expect(tiny).toHaveLength(3);
    expect(tiny.at(-1)).toMatch(/^q quit/);
  });

  it('says when the market is closed, with the last close', () => {
    const m = model(['AAPL']);
    applyTick(m, tick('AAPL', 1, 180, { previousClose: 181, marketState: 'CLOSED' }));
    const lines = renderTable(m, { ...tableOptions, colors: plain });
    expect(lines[1]).toContain('market closed');
    expect(lines.find((line) => line.startsWith('AAPL'))).toMatch(/180\.00 .*closed$/);
  });
});

describe('plain lines', () => {
  it('throttles updates to one per symbol per second, writes bars and alerts at once and the final state at the end', () => {
    const m = model(['AAPL']);
    const out = memoryOutput();
    const printer = createLinePrinter({ model: m, out, json: false, throttleMs: 1000 });
    const update = (seconds: number, price: number, now: number) =>
      printer.update(applyTick(m, tick('AAPL', seconds, price, { previousClose: 100, dayVolume: seconds * 10 })), now);
    update(1, 101, 0);
    update(2, 102, 10);
    update(3, 103, 20);
    const output: WindowOutput = { kind: 'bar', bar: bar('AAPL', 0, 103) };
    applyOutput(m, output);
    printer.output(output);
    printer.output({ kind: 'alert', alert: alert('AAPL', 0, 'wide-bar') });
    printer.tick(500);
    expect(out.lines).toHaveLength(3);
    printer.tick(1000);
    update(4, 104, 1100);
    printer.flush();
    expect(out.lines[0]).toBe(
      'tick      AAPL 2026-03-02T14:30:01.000Z last=101.00 chg=+1.00 chg%=+1.00 low=101.00 high=101.00 vol=10 bars=0',
    );
    expect(out.lines[1]).toMatch(/^bar +AAPL 1m 2026-03-02T14:30:00.000Z .*c=103 /);
    expect(out.lines[2]).toMatch(/^alert +AAPL warning wide-bar /);
    expect(out.lines[3]).toBe(
      'tick      AAPL 2026-03-02T14:30:03.000Z last=103.00 chg=+3.00 chg%=+3.00 low=101.00 high=103.00 vol=30 bars=1',
    );
    expect(out.lines[4]).toBe(
      'tick      AAPL 2026-03-02T14:30:04.000Z last=104.00 chg=+4.00 chg%=+4.00 low=101.00 high=104.00 vol=40 bars=1',
    );
    expect(out.lines).toHaveLength(5);
  });

  it('writes NDJSON objects of kind tick-summary, bar, indicator and alert with --json', () => {
    const m = model(['AAPL']);
    const out = memoryOutput();
    const printer = createLinePrinter({ model: m, out, json: true });
    printer.update(applyTick(m, tick('AAPL', 1, 99, { previousClose: 100, marketState: 'CLOSED' })), 0);
    printer.output({ kind: 'bar', bar: bar('AAPL', 0, 99) });
    printer.output({
      kind: 'indicator',
      point: { symbol: 'AAPL', interval: '1m', time: OPEN, values: { rsi_14: 40 } },
    });
    printer.output({ kind: 'alert', alert: alert('AAPL', 0, 'wide-bar') });
    const records = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => r.kind)).toEqual(['tick-summary', 'bar', 'indicator', 'alert']);
    expect(records[0]).toMatchObject({
      symbol: 'AAPL',
      price: 99,
      change: -1,
      changePct: -1,
      marketState: 'CLOSED',
      bars: 0,
    });
    expect(records[1]).toMatchObject({ symbol: 'AAPL', close: 99, final: true });
    expect(summaryLine(tickSummary(m.rows.get('AAPL')!)!)).toMatch(/market=closed$/);
  });
});
