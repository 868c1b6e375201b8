/** `stockstream migrate up|status`: the PostgreSQL schema, versioned and forward-only. */
import chalk from 'chalk';
import { withPostgres } from '../../postgres/client.ts';
import { changedMigrationsError, migrateUp, migrationStatus, type MigrationState } from '../../postgres/migrate.ts';
import type { CommandContext, CommandRun } from '../context.ts';

export interface MigrateCommandOptions {
  action: 'up' | 'status';
}

const STATUS_COLOUR: Record<MigrationState['status'], (text: string) => string> = {
  applied: chalk.green,
  pending: chalk.yellow,
  changed: chalk.red,
  missing: chalk.magenta,
};

function statusTable(states: MigrationState[]): string {
  if (states.length === 0) return '(no migrations)';
  const rows = states.map((state) => [
    String(state.version).padStart(3, '0'),
    state.name,
    state.status,
    (state.checksum ?? state.appliedChecksum ?? '').slice(0, 12),
    state.appliedAt ? state.appliedAt.toISOString() : '—',
  ]);
  const header = ['VERSION', 'NAME', 'STATUS', 'CHECKSUM', 'APPLIED AT'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: string[], colour?: (text: string) => string) =>
    row
      .map((cell, i) => (i === 2 && colour ? colour(cell.padEnd(widths[i]!)) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [chalk.bold(line(header)), ...rows.map((row, i) => line(row, STATUS_COLOUR[states[i]!.status]))].join('\n');
}

async function status(ctx: CommandContext): Promise<void> {
  const config = await ctx.loadConfig();
  const states = await withPostgres(config, (sql) => migrationStatus(sql, { schema: config.postgres.schema }));
  ctx.out.record({ schema: config.postgres.schema, migrations: states }, () => statusTable(states));
  const missing = states.filter((state) => state.status === 'missing');
  if (missing.length > 0)
    ctx.logger.warn(
      `${missing.length} applied migration(s) have no file here: is this an older stockstream than the database?`,
    );
  const changed = states.filter((state) => state.status === 'changed');
  if (changed.length > 0) throw changedMigrationsError(changed);
}

async function up(ctx: CommandContext): Promise<void> {
  const config = await ctx.loadConfig();
  const schema = config.postgres.schema;
  const result = await withPostgres(config, (sql) =>
    migrateUp(sql, {
      schema,
      onWait: () => ctx.logger.info('another `migrate up` is running; waiting for it to finish'),
      onApplied: (migration, ms) => ctx.logger.info(`applied ${migration.file}`, { ms: Math.round(ms) }),
    }),
  );
  const summary = {
    schema,
    applied: result.applied.map((migration) => ({
      version: migration.version,
      name: migration.name,
      checksum: migration.checksum,
    })),
    upToDate: result.upToDate,
  };
  if (ctx.out.json) ctx.out.record(summary);
  else if (result.applied.length === 0)
    ctx.logger.success(`schema ${schema} is up to date (${result.upToDate} migration(s) applied before)`);
  else
    ctx.logger.success(`schema ${schema} migrated: ${result.applied.length} applied, ${result.upToDate} already there`);
}

export const run: CommandRun<MigrateCommandOptions> = async (ctx, options) => {
  if (options.action === 'status') await status(ctx);
  else await up(ctx);
};
