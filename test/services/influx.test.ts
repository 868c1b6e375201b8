// Write points with the official client and read them back with Flux from the real InfluxDB.
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { testInflux, type TestInflux } from '../support/services.ts';

describe('influxdb', () => {
  let influx: TestInflux;

  beforeAll(async () => {
    influx = await testInflux();
  });

  it('writes points and reads them back with Flux', async () => {
    const client = new InfluxDB({ url: influx.url, token: influx.token });
    const t0 = Date.UTC(2024, 0, 2, 15, 30, 0);
    const points = [
      new Point('price')
        .tag('symbol', 'AAPL')
        .floatField('price', 189.25)
        .intField('volume', 1200)
        .timestamp(new Date(t0)),
      new Point('price')
        .tag('symbol', 'AAPL')
        .floatField('price', 189.5)
        .intField('volume', 300)
        .timestamp(new Date(t0 + 1_000)),
      new Point('price')
        .tag('symbol', 'MSFT')
        .floatField('price', 402.125)
        .intField('volume', 77)
        .timestamp(new Date(t0 + 2_000)),
    ];
    const writer = client.getWriteApi(influx.org, influx.bucket, 'ms');
    writer.writePoints(points);
    await writer.close(); // flushes; rejects if the server refused the write

    const query = `
      from(bucket: "${influx.bucket}")
        |> range(start: 2024-01-02T00:00:00Z, stop: 2024-01-03T00:00:00Z)
        |> filter(fn: (r) => r._measurement == "price")
        |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
        |> group()
        |> sort(columns: ["_time"])
        |> keep(columns: ["_time", "symbol", "price", "volume"])`;
    const rows = await client
      .getQueryApi(influx.org)
      .collectRows<{ _time: string; symbol: string; price: number; volume: number }>(query);

    const values = rows.map((r) => ({
      _time: new Date(r._time).getTime(),
      symbol: r.symbol,
      price: r.price,
      volume: r.volume,
    }));
    expect(values).toEqual([
      { _time: t0, symbol: 'AAPL', price: 189.25, volume: 1200 },
      { _time: t0 + 1_000, symbol: 'AAPL', price: 189.5, volume: 300 },
      { _time: t0 + 2_000, symbol: 'MSFT', price: 402.125, volume: 77 },
    ]);
  });

  it('gives every suite its own empty bucket', async () => {
    const other = await testInflux();
    expect(other.bucket).not.toBe(influx.bucket);
    const rows = await new InfluxDB({ url: other.url, token: other.token })
      .getQueryApi(other.org)
      .collectRows(`from(bucket: "${other.bucket}") |> range(start: 0)`);
    expect(rows).toEqual([]);
  });
});
