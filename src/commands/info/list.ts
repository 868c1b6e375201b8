/** `stockstream info list`: stored metadata as a table, filtered by sector/industry and sorted. */
import { UsageError } from '../../errors.ts';
import { renderTable } from '../../info/render.ts';
import { withPostgres } from '../../postgres/client.ts';
import { listStockInfo, STOCK_INFO_SORTS, type StockInfoSort } from '../../postgres/repositories/stock-info.ts';
import type { CommandRun } from '../context.ts';
import type { InfoListOptions } from './command.ts';
import { parseNumber } from '../../config/overrides.ts';

function parseSort(raw: string | undefined): StockInfoSort {
  const sort = raw ?? 'symbol';
  if (!STOCK_INFO_SORTS.includes(sort as StockInfoSort))
    throw new UsageError(`--sort: "${sort}" is not a field`, `use one of ${STOCK_INFO_SORTS.join(', ')}`);
  return sort as StockInfoSort;
}

export const run: CommandRun<InfoListOptions> = async (ctx, options) => {
  const sort = parseSort(options.sort);
  const limit =
    options.limit === undefined ? undefined : parseNumber(options.limit, '--limit', { integer: true, min: 1 });
  const config = await ctx.loadConfig();
  const infos = await withPostgres(config, (sql) =>
    listStockInfo(sql, { sector: options.sector, industry: options.industry, sort, limit }),
  );
  if (ctx.out.json) {
    for (const info of infos) ctx.out.record(info);
    return;
  }
  if (infos.length === 0) {
    const filter = [
      options.sector && `sector "${options.sector}"`,
      options.industry && `industry "${options.industry}"`,
    ]
      .filter(Boolean)
      .join(' and ');
    ctx.logger.warn(
      filter ? `no stored metadata for ${filter}` : 'no stored metadata yet: run `stockstream info sync`',
    );
    return;
  }
  ctx.out.line(renderTable(infos));
};
