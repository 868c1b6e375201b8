/**
 * Small Flux fragments the panel queries are made of. They keep to what Flux 0.65 (InfluxDB 1.8
 * with flux-enabled) already had, so the same dashboards run on InfluxDB 1.8 and 2.x.
 *
 * Grafana substitutes `${symbol}`-style variables as text before the query runs, and replaces
 * `v.timeRangeStart`, `v.timeRangeStop` and `v.windowPeriod` with the panel's range and interval.
 */

/** A Flux string literal; config values are escaped, Grafana variables are written by the caller. */
export function fluxString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/\$\{/g, '\\${')}"`;
}

/** `r.col == "a" or r.col == "b"`, parenthesised. */
export function anyOf(column: string, values: readonly string[]): string {
  return `(${values.map((value) => `r.${column} == ${fluxString(value)}`).join(' or ')})`;
}

export function fluxList(values: readonly string[]): string {
  return `[${values.map(fluxString).join(', ')}]`;
}

/** The panel's time range over one bucket, filtered by `predicate` (a Flux boolean over `r`). */
export function fromRange(bucket: string, predicate: string): string[] {
  return [
    `from(bucket: ${fluxString(bucket)})`,
    '  |> range(start: v.timeRangeStart, stop: v.timeRangeStop)',
    `  |> filter(fn: (r) => ${predicate})`,
  ];
}

/** One row per time with a column per field (the classic `fieldsAsCols`), keeping `columns`. */
export function pivotKeep(columns: readonly string[]): string[] {
  return [
    '  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")',
    `  |> keep(columns: ${fluxList(columns)})`,
  ];
}

export function lines(parts: readonly string[]): string {
  return parts.join('\n');
}
