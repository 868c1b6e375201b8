/** `stockstream info show AAPL`: the stored metadata of one symbol, as a card or JSON. */
import { StockstreamError } from '../../errors.ts';
import { renderCard } from '../../info/render.ts';
import { withPostgres } from '../../postgres/client.ts';
import { getStockInfo } from '../../postgres/repositories/stock-info.ts';
import type { CommandRun } from '../context.ts';
import { parseSymbols } from '../../config/overrides.ts';

export const run: CommandRun<{ symbol: string }> = async (ctx, options) => {
  const [symbol] = parseSymbols(options.symbol, 'symbol');
  const config = await ctx.loadConfig();
  const info = await withPostgres(config, (sql) => getStockInfo(sql, symbol!));
  if (!info) {
    throw new StockstreamError(`no stored metadata for ${symbol}`, {
      hint: `fetch it with \`stockstream info sync --symbols ${symbol}\``,
    });
  }
  ctx.out.record(info, () => renderCard(info));
};
