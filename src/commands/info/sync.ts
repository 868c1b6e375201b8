/**
 * `stockstream info sync`: Yahoo quoteSummary → PostgreSQL and/or the compacted Kafka topic.
 * Made for cron: no prompts, no spinner without a TTY, one lock per database (or per host for
 * --to kafka), exit 0 all synced / 1 none / 3 some (failed symbols on stderr).
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactUrl } from '../../config/redact.ts';
import type { Config } from '../../config/schema.ts';
import { ExitCode, PartialFailureError, StockstreamError, UsageError } from '../../errors.ts';
import { tryLockFile } from '../../info/lock-file.ts';
import { syncStockInfo, type InfoTarget, type SyncResult } from '../../info/sync.ts';
import { kafkaTarget, postgresTarget } from '../../info/targets.ts';
import { createSummaryFetcher } from '../../info/yahoo-summary.ts';
import { createKafka } from '../../kafka/client.ts';
import { openPublisher, type Publisher } from '../../kafka/publisher.ts';
import { ensureTopics } from '../../kafka/topics.ts';
import { tryAdvisoryLock } from '../../postgres/advisory-lock.ts';
import { createPostgres, type Sql } from '../../postgres/client.ts';
import { explainPostgresError } from '../../postgres/errors.ts';
import { startSpinner } from '../../ui/spinner.ts';
import type { CommandContext, CommandRun } from '../context.ts';
import type { InfoSyncOptions } from './command.ts';
import { OverrideBuilder, parseList, parseSymbols } from '../../config/overrides.ts';

type Destination = 'postgres' | 'kafka';

/** How long the fetched metadata waits for a PostgreSQL that went away during the sync. */
const POSTGRES_RETRY_MS = 30_000;
const DESTINATIONS: readonly Destination[] = ['postgres', 'kafka'];

function parseTo(raw: string | undefined): Destination[] {
  const parts = parseList(raw ?? 'postgres');
  if (parts.length === 0) throw new UsageError('--to is empty', 'use postgres, kafka, or postgres,kafka');
  for (const part of parts) {
    if (!DESTINATIONS.includes(part as Destination))
      throw new UsageError(`--to: "${part}" is not a target`, 'use postgres, kafka, or postgres,kafka');
  }
  return [...new Set(parts as Destination[])];
}

function alreadyRunning(where: string): StockstreamError {
  return new StockstreamError(`another \`info sync\` is running against ${where}`, {
    hint: 'let it finish (cron runs overlap when a sync takes longer than the schedule interval)',
  });
}

/** Everything the run opened, closed in reverse order whatever happens. */
class Resources {
  private readonly closers: (() => Promise<unknown>)[] = [];
  add(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }
  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => {});
  }
}

async function openPostgres(config: Config, resources: Resources): Promise<Sql> {
  const sql = createPostgres(config);
  resources.add(() => sql.end({ timeout: 5 }));
  const lock = await tryAdvisoryLock(sql, `info-sync:${config.postgres.schema}`);
  if (!lock) throw alreadyRunning(`schema ${config.postgres.schema}`);
  resources.add(() => lock.release());
  // Fail before asking Yahoo anything when the tables are not there yet.
  await sql`select 1 from stock_info limit 0`;
  return sql;
}

async function lockHostWide(config: Config, resources: Resources): Promise<void> {
  const id = createHash('sha256')
    .update(`${config.kafka.brokers.join(',')}/${config.kafka.topics.info}`)
    .digest('hex')
    .slice(0, 12);
  const lock = await tryLockFile(join(tmpdir(), `stockstream-info-sync-${id}.lock`));
  if (!lock) throw alreadyRunning(`topic ${config.kafka.topics.info} (lock file in ${tmpdir()})`);
  resources.add(() => lock.release());
}

async function openKafka(ctx: CommandContext, config: Config, resources: Resources): Promise<Publisher> {
  const kafka = createKafka(config, ctx.logger, { clientIdSuffix: 'info-sync' });
  await ensureTopics(kafka, config, ctx.logger, [{ topic: config.kafka.topics.info, compacted: true }], ctx.signal);
  const publisher = await openPublisher(kafka, config, ctx.logger, {
    topic: config.kafka.topics.info,
    signal: ctx.signal,
  });
  resources.add(() => publisher.close());
  return publisher;
}

function report(ctx: CommandContext, result: SyncResult, destinations: Destination[]): number {
  const total = result.synced.length + result.failed.length;
  // Symbols that failed for the same reason share one line (offline, that is all of them).
  const byReason = new Map<string, string[]>();
  for (const failure of result.failed)
    byReason.set(failure.reason, [...(byReason.get(failure.reason) ?? []), failure.symbol]);
  for (const [reason, symbols] of byReason) ctx.logger.error(`${symbols.join(', ')}: ${reason}`);
  if (ctx.out.json) {
    ctx.out.record({ to: destinations, synced: result.synced.map((info) => info.symbol), failed: result.failed });
  } else if (result.synced.length > 0) {
    ctx.logger.success(
      `synced ${result.synced.length} of ${total} symbol(s) to ${destinations.join(' and ')}: ${result.synced.map((info) => info.symbol).join(', ')}`,
    );
  }
  if (result.failed.length === 0) return ExitCode.ok;
  const failedList = result.failed.map((failure) => failure.symbol).join(', ');
  // One cause for every failure (offline, rate limited): its fix is the one to give.
  const fixes = new Set(result.failed.map((failure) => failure.fix));
  const sharedFix = fixes.size === 1 ? [...fixes][0] : undefined;
  if (result.synced.length === 0) {
    // Symbols are fetched in order, so the first failure is one Yahoo was asked for.
    const sharedReason = sharedFix ? `: ${result.failed[0]!.reason}` : ` (${failedList} failed)`;
    throw new StockstreamError(`no symbol synced${sharedReason}`, {
      hint: sharedFix ?? 'check the symbols and that Yahoo Finance is reachable (`stockstream doctor`)',
    });
  }
  throw new PartialFailureError(
    `${result.failed.length} of ${total} symbol(s) failed: ${failedList}`,
    sharedFix ?? 'the others were stored; run again later for the rest',
  );
}

export const run: CommandRun<InfoSyncOptions> = async (ctx, options) => {
  const destinations = parseTo(options.to);
  const overrides = new OverrideBuilder()
    .set('symbols', options.symbols === undefined ? undefined : parseSymbols(options.symbols), '--symbols')
    .build();
  const config = await ctx.loadConfig(overrides);
  const symbols = [...new Set(config.symbols)];

  const fetchSummary = createSummaryFetcher({ logger: ctx.logger });

  const resources = new Resources();
  const spinner = await startSpinner(ctx.logger, `fetching metadata of ${symbols.length} symbol(s)`);
  try {
    const targets: InfoTarget[] = [];
    if (destinations.includes('postgres')) {
      const sql = await openPostgres(config, resources).catch((error: unknown) => {
        throw explainPostgresError(config, error);
      });
      targets.push(
        postgresTarget(sql, config.windows.timezone, {
          logger: ctx.logger,
          where: redactUrl(config.postgres.url),
          forMs: POSTGRES_RETRY_MS,
          signal: ctx.signal,
        }),
      );
    } else {
      await lockHostWide(config, resources);
    }
    if (destinations.includes('kafka'))
      targets.push(kafkaTarget(await openKafka(ctx, config, resources), config.kafka.topics.info));

    const result = await syncStockInfo(symbols, {
      fetchSummary,
      targets,
      logger: ctx.logger,
      signal: ctx.signal,
      onProgress: (done, total, symbol) => spinner.update(`fetched ${done}/${total} (${symbol})`),
    }).catch((error: unknown) => {
      throw explainPostgresError(config, error);
    });
    spinner.stop();
    return report(ctx, result, destinations);
  } finally {
    spinner.stop();
    await resources.close();
  }
};
