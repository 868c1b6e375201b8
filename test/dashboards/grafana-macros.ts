// What Grafana does to a query before the data source runs it, for the variables and macros the
// StockStream dashboards use:
// - dashboard variables, by the frontend: `$name`, `${name}` and `${name:sqlstring}`;
// - Flux macros, by the InfluxDB data source backend: `v.timeRangeStart` / `v.timeRangeStop`
//   become RFC 3339 times and `v.windowPeriod` a Go duration (like `1m0s`), as plain text;
// - SQL macros, by the SQL data source backend: `$__timeFilter(col)`, `$__timeFrom()`, `$__timeTo()`.
// A variable the dashboard does not define is left as it is, so the query fails loudly.

export interface QueryContext {
  from: number;
  to: number;
  windowPeriodMs: number;
  variables: Record<string, string>;
}

function goDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m${seconds % 60}s`;
}

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

function variables(text: string, ctx: QueryContext): string {
  return text.replace(
    /\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g,
    (whole, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare!;
      const value = ctx.variables[name];
      if (value === undefined) return whole;
      if (format === undefined) return value;
      if (format === 'sqlstring') return sqlString(value);
      throw new Error(`variable format ${format} is not modelled in the test`);
    },
  );
}

export function interpolateFlux(query: string, ctx: QueryContext): string {
  return variables(query, ctx)
    .replaceAll('v.timeRangeStart', new Date(ctx.from).toISOString())
    .replaceAll('v.timeRangeStop', new Date(ctx.to).toISOString())
    .replaceAll('v.windowPeriod', goDuration(ctx.windowPeriodMs));
}

export function interpolateSql(query: string, ctx: QueryContext): string {
  const from = `'${new Date(ctx.from).toISOString()}'`;
  const to = `'${new Date(ctx.to).toISOString()}'`;
  return variables(
    query
      .replace(/\$__timeFilter\(([^)]+)\)/g, (_, column: string) => `${column.trim()} BETWEEN ${from} AND ${to}`)
      .replaceAll('$__timeFrom()', from)
      .replaceAll('$__timeTo()', to),
    ctx,
  );
}
