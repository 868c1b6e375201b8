/**
 * `watch --sink`: the configured sinks (consume's own modules) get everything watch computed, are
 * awaited and closed before it exits. The file sink needs nothing; the influx sink writes to a fresh
 * bucket of the real InfluxDB.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { testInflux } from '../support/services.ts';
import { emptyDir, expectedFor, FIXTURE, readFixture } from './support.ts';

function configIn(dir: string, config: unknown): void {
  writeFileSync(join(dir, 'stockstream.config.json'), JSON.stringify(config));
}

describe('watch --sink', () => {
  it('writes every tick and output to the file sink, skipping the console sink with a warning', async () => {
    const dir = emptyDir();
    const path = join(dir, 'out.ndjson');
    configIn(dir, { sinks: { enabled: ['file', 'console'], file: { path } } });
    const result = await runCli(['watch', '--file', FIXTURE, '--speed', '0', '--sink'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/skipping the console sink/);

    const records = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ticks = readFixture();
    const expected = expectedFor(ticks);
    expect(records.filter((r) => r.kind === 'tick').map((r) => [r.symbol, r.time, r.price])).toEqual(
      ticks.map((t) => [t.symbol, t.time, t.price]),
    );
    for (const [symbol, want] of expected) {
      const bars = records.filter((r) => r.kind === 'bar' && r.symbol === symbol && r.interval === '1m');
      expect(bars.map((b) => [b.start, b.close, b.volume])).toEqual(want.bars.map((b) => [b.start, b.close, b.volume]));
    }
    expect(records.filter((r) => r.kind === 'alert').map((r) => r.rule)).toEqual(['wide-bar']);
    // The printed bar lines and the file agree.
    expect(result.stdout.split('\n').filter((line) => line.startsWith('bar'))).toHaveLength(
      records.filter((r) => r.kind === 'bar').length,
    );
  });

  it('writes bars to a real InfluxDB bucket before it exits', async () => {
    const influx = await testInflux('ss_watch');
    const dir = emptyDir();
    configIn(dir, {
      sinks: { enabled: ['influx'] },
      influx: { url: influx.url, token: influx.token, org: influx.org, bucket: influx.bucket },
    });
    const result = await runCli(['watch', '--file', FIXTURE, '--speed', '0', '--sink'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);

    const rows = await new InfluxDB({ url: influx.url, token: influx.token })
      .getQueryApi(influx.org)
      .collectRows<{ symbol: string; _time: string; _value: number }>(
        `from(bucket: "${influx.bucket}") |> range(start: 2026-03-02T00:00:00Z, stop: 2026-03-03T00:00:00Z)
         |> filter(fn: (r) => r._measurement == "stock_bars" and r._field == "close" and r.interval == "1m")
         |> group() |> sort(columns: ["symbol", "_time"])`,
      );
    const expected = expectedFor(readFixture());
    const want = [...expected].flatMap(([symbol, e]) =>
      e.bars.map((bar) => [symbol, new Date(bar.start).toISOString(), bar.close]),
    );
    expect(rows.map((row) => [row.symbol, new Date(row._time).toISOString(), row._value])).toEqual(want);
  });
});
