/**
 * The `console` sink: NDJSON records on stdout with `--json` (pipe it to jq), a live table redrawn
 * in place on an interactive terminal, and one plain line per closed bar, indicator point and
 * alert otherwise (logs, pipes, CI).
 */
import type { Alert, Bar, IndicatorPoint, WindowOutput } from '../../model.ts';
import { outputRecord } from '../file/file.ts';
import type { Sink, SinkDeps, SinkModule } from '../types.ts';
import { createLiveTable } from './table.ts';

const REDRAW_MS = 500;

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function round(value: number): string {
  return String(Math.round(value * 10_000) / 10_000);
}

export function barText(bar: Bar): string {
  return `bar       ${bar.symbol} ${bar.interval} ${iso(bar.start)} o=${round(bar.open)} h=${round(bar.high)} l=${round(bar.low)} c=${round(bar.close)} v=${round(bar.volume)} vwap=${round(bar.vwap)} ticks=${bar.ticks}`;
}

export function indicatorText(point: IndicatorPoint): string {
  const values = Object.entries(point.values).map(([key, value]) => `${key}=${round(value)}`);
  return `indicator ${point.symbol} ${point.interval} ${iso(point.time)} ${values.join(' ')}${point.trend ? ` trend=${point.trend}` : ''}`;
}

export function alertText(alert: Alert): string {
  return `alert     ${alert.symbol} ${alert.severity} ${alert.rule} ${iso(alert.time)} ${alert.message}`;
}

export function outputText(output: WindowOutput): string | undefined {
  switch (output.kind) {
    case 'bar':
      return output.bar.final ? barText(output.bar) : undefined;
    case 'indicator':
      return indicatorText(output.point);
    case 'alert':
      return alertText(output.alert);
    default:
      return undefined;
  }
}

function linesSink(format: (output: WindowOutput) => void): Sink {
  return {
    name: 'console',
    accepts: (output) =>
      output.kind === 'indicator' || output.kind === 'alert' || (output.kind === 'bar' && output.bar.final),
    async write(batch) {
      for (const output of batch) format(output);
    },
    close: async () => {},
  };
}

function tableSink(stream: NodeJS.WriteStream): Sink {
  const table = createLiveTable();
  let drawn = 0;
  let dirty = false;
  const redraw = () => {
    if (!dirty) return;
    dirty = false;
    const lines = table.render();
    // Back to the first line of the previous table, clear below, draw again.
    stream.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(redraw, REDRAW_MS);
  return {
    name: 'console',
    accepts: () => true,
    async write(batch) {
      for (const output of batch) table.update(output);
      dirty = true;
    },
    close: async () => {
      clearInterval(timer);
      redraw();
    },
  };
}

export function createConsoleSink(deps: Pick<SinkDeps, 'json' | 'tty' | 'out'>): Sink {
  if (deps.json) return linesSink((output) => deps.out.record(outputRecord(output)));
  if (deps.tty) return tableSink(process.stdout);
  return linesSink((output) => {
    const text = outputText(output);
    if (text !== undefined) deps.out.line(text);
  });
}

export const consoleSink: SinkModule = {
  create: async (_config, deps) => createConsoleSink(deps),
};
