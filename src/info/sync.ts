/**
 * `info sync` without the CLI: fetch every symbol's quoteSummary (a few in flight, one shared
 * backoff when Yahoo says 429), map to StockInfo, and hand the successes to each target in one
 * write. One symbol failing never stops the others; the result says which ones failed and why.
 * Offline (DNS or TLS failing) nothing else is asked: every symbol would fail the same way.
 */
import { errorMessage } from '../errors.ts';
import type { StockInfo } from '../model.ts';
import type { Logger } from '../ui/logger.ts';
import { sleep } from '../util/retry.ts';
import { toStockInfo } from './map.ts';
import { createRateGate, type RateGate } from './rate-gate.ts';
import { explainYahooFailure, isOffline, type YahooFailure } from '../yahoo/failure.ts';
import { UnknownSymbolError, type FetchSummary, type YahooHttpError } from './yahoo-summary.ts';

/** Where synced metadata goes: PostgreSQL, the Kafka topic, or a test's array. */
export interface InfoTarget {
  name: string;
  write(infos: StockInfo[]): Promise<void>;
}

export interface SyncFailure {
  symbol: string;
  reason: string;
  /** What to do about it, when the reason is Yahoo's (DNS, TLS, a rate limit …) rather than the symbol's. */
  fix?: string;
}

export interface SyncResult {
  synced: StockInfo[];
  failed: SyncFailure[];
}

export interface SyncOptions {
  fetchSummary: FetchSummary;
  targets: InfoTarget[];
  logger: Logger;
  gate?: RateGate;
  signal?: AbortSignal;
  /** Symbols fetched at once. */
  concurrency?: number;
  /** Tries per symbol for rate limits and server errors. */
  maxAttempts?: number;
  /** Pause before retrying a server error (rate limits use the gate). */
  retryDelayMs?: number;
  now?: () => number;
  onProgress?: (done: number, total: number, symbol: string) => void;
}

async function fetchOne(symbol: string, options: SyncOptions, gate: RateGate): Promise<StockInfo> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    await gate.wait(options.signal);
    try {
      const raw = await options.fetchSummary(symbol);
      gate.succeeded();
      return toStockInfo(symbol, raw, (options.now ?? Date.now)());
    } catch (error) {
      const failure = explainYahooFailure(error);
      // Offline, every other symbol fails the same way: no retry, and the caller stops asking.
      if (!failure.retryable || isOffline(failure) || attempt >= maxAttempts || options.signal?.aborted) throw error;
      if (failure.kind === 'rate-limit' || failure.kind === 'session') {
        const pause = gate.refused((error as Partial<YahooHttpError>).retryAfterMs);
        options.logger.warn(`${failure.cause}; all requests pause ${Math.round(pause)}ms — fix: ${failure.fix}`, {
          symbol,
          attempt,
        });
      } else {
        options.logger.warn(`${symbol}: ${failure.cause}; retrying — fix: ${failure.fix}`, { attempt });
        await sleep((options.retryDelayMs ?? 1_000) * attempt, options.signal);
      }
    }
  }
}

/** The symbol's own trouble (unknown to Yahoo) as it is; Yahoo's trouble with its cause and fix. */
function failureOf(symbol: string, error: unknown): SyncFailure {
  const failure = explainYahooFailure(error);
  if (error instanceof UnknownSymbolError || failure.kind === 'other') return { symbol, reason: errorMessage(error) };
  return { symbol, reason: failure.cause, fix: failure.fix };
}

/** Fetches all symbols; never throws for a single symbol. Results keep the order of `symbols`. */
export async function fetchStockInfos(symbols: readonly string[], options: SyncOptions): Promise<SyncResult> {
  const gate = options.gate ?? createRateGate({ initialMs: 1_000, maxMs: 60_000 });
  const outcomes: (StockInfo | SyncFailure)[] = symbols.map((symbol) => ({
    symbol,
    reason: 'interrupted before it was fetched',
  }));
  let next = 0;
  let done = 0;
  let offline: YahooFailure | undefined;
  const worker = async () => {
    while (next < symbols.length && !options.signal?.aborted && !offline) {
      const index = next++;
      const symbol = symbols[index]!;
      try {
        outcomes[index] = await fetchOne(symbol, options, gate);
      } catch (error) {
        outcomes[index] = failureOf(symbol, error);
        const failure = explainYahooFailure(error);
        if (isOffline(failure)) offline = failure;
      }
      options.onProgress?.(++done, symbols.length, symbol);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 2, symbols.length) }, worker));
  if (offline) {
    for (let index = next; index < symbols.length; index++)
      outcomes[index] = { symbol: symbols[index]!, reason: `not asked: ${offline.cause}`, fix: offline.fix };
  }
  const isFailure = (outcome: StockInfo | SyncFailure): outcome is SyncFailure => 'reason' in outcome;
  return { synced: outcomes.filter((o): o is StockInfo => !isFailure(o)), failed: outcomes.filter(isFailure) };
}

/**
 * Fetches, then writes the successes to every target. When a target refuses the batch, each symbol
 * is written alone, so one symbol's data the target cannot hold fails only that symbol (its reason
 * in the result); when every symbol fails alone too, the target itself is the problem and it throws.
 */
export async function syncStockInfo(symbols: readonly string[], options: SyncOptions): Promise<SyncResult> {
  const result = await fetchStockInfos(symbols, options);
  for (const target of options.targets) {
    if (result.synced.length === 0) break;
    try {
      await target.write(result.synced);
    } catch (error) {
      if (result.synced.length === 1 || options.signal?.aborted) throw error;
      const refused = await writeOneByOne(target, result.synced);
      if (refused.length === result.synced.length) throw error;
      result.synced = result.synced.filter((info) => !refused.some((failure) => failure.symbol === info.symbol));
      result.failed.push(...refused);
    }
  }
  return result;
}

async function writeOneByOne(target: InfoTarget, infos: StockInfo[]): Promise<SyncFailure[]> {
  const refused: SyncFailure[] = [];
  for (const info of infos) {
    try {
      await target.write([info]);
    } catch (error) {
      refused.push({ symbol: info.symbol, reason: `${target.name} refused it: ${errorMessage(error)}` });
    }
  }
  return refused;
}
