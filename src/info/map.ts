/**
 * Yahoo quoteSummary (modules price, summaryDetail, assetProfile, defaultKeyStatistics) → StockInfo.
 * Read defensively: a module or field can be missing (ETFs have no sector), and Yahoo sends a
 * number either plain, as `{ raw, fmt }`, or as `{}` when it has none.
 */
import type { StockInfo } from '../model.ts';

export const SUMMARY_MODULES = ['price', 'summaryDetail', 'assetProfile', 'defaultKeyStatistics'] as const;

type Module = Record<string, unknown>;

function moduleOf(raw: Record<string, unknown>, name: (typeof SUMMARY_MODULES)[number]): Module {
  const value = raw[name];
  return value !== null && typeof value === 'object' ? (value as Module) : {};
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value !== null && typeof value === 'object' && 'raw' in value) return num((value as { raw: unknown }).raw);
  return undefined;
}

/** PostgreSQL text and jsonb cannot hold U+0000; Yahoo data has no use for it. */
const NUL = /\u0000/g;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = value.replace(NUL, '').trim();
  return clean !== '' ? clean : undefined;
}

/** The raw payload without U+0000 in any string (as JSON text it is the escape `\u0000`). */
function storable(raw: Record<string, unknown>): Record<string, unknown> {
  const json = JSON.stringify(raw);
  return json.includes('\\u0000')
    ? (JSON.parse(json, (_key, value: unknown) =>
        typeof value === 'string' ? value.replace(NUL, '') : value,
      ) as Record<string, unknown>)
    : raw;
}

function firstOf<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((value) => value !== undefined);
}

/** Fields Yahoo did not send stay undefined (and become NULL in PostgreSQL), never 0. */
export function toStockInfo(symbol: string, raw: Record<string, unknown>, fetchedAt: number): StockInfo {
  const price = moduleOf(raw, 'price');
  const detail = moduleOf(raw, 'summaryDetail');
  const profile = moduleOf(raw, 'assetProfile');
  const stats = moduleOf(raw, 'defaultKeyStatistics');
  const info: StockInfo = {
    symbol,
    shortName: text(price.shortName),
    longName: text(price.longName),
    sector: text(profile.sector),
    industry: text(profile.industry),
    // The exchange code (NMS, NYQ), as quotes carry it, so ticks and metadata join.
    exchange: firstOf(text(price.exchange), text(price.exchangeName)),
    currency: firstOf(text(price.currency), text(detail.currency)),
    marketCap: firstOf(num(price.marketCap), num(detail.marketCap)),
    trailingPE: num(detail.trailingPE),
    forwardPE: firstOf(num(detail.forwardPE), num(stats.forwardPE)),
    fiftyTwoWeekHigh: num(detail.fiftyTwoWeekHigh),
    fiftyTwoWeekLow: num(detail.fiftyTwoWeekLow),
    fiftyDayAverage: num(detail.fiftyDayAverage),
    shortRatio: num(stats.shortRatio),
    fetchedAt,
    raw: storable(raw),
  };
  for (const key of Object.keys(info) as (keyof StockInfo)[]) if (info[key] === undefined) delete info[key];
  return info;
}
