/** The newest bar per interval in InfluxDB: whether bars still arrive where the dashboards read them. */
import type { Config } from '../config/schema.ts';

export interface NewestBar {
  interval: string;
  /** Start of the newest bar of this interval (epoch ms). */
  start: number;
}

/** Looks back this far; an older newest bar reads as none. */
const LOOK_BACK = '-30d';

export async function newestBars(config: Config, timeoutMs = 5_000): Promise<NewestBar[]> {
  const { InfluxDB } = await import('@influxdata/influxdb-client');
  const { url, token, org, bucket, measurements } = config.influx;
  const query = new InfluxDB({ url, token, timeout: timeoutMs }).getQueryApi(org);
  const flux = [
    `from(bucket: ${JSON.stringify(bucket)})`,
    `|> range(start: ${LOOK_BACK})`,
    `|> filter(fn: (r) => r._measurement == ${JSON.stringify(measurements.bars)} and r._field == "close")`,
    '|> group(columns: ["interval"])',
    '|> max(column: "_time")',
  ].join(' ');
  const rows = await query.collectRows<{ interval: string; _time: string }>(flux);
  return rows
    .map((row) => ({ interval: row.interval, start: Date.parse(row._time) }))
    .sort((a, b) => a.interval.localeCompare(b.interval));
}
