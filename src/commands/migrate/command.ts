import type { GroupCommandSpec } from '../spec.ts';

export const migrateCommand: GroupCommandSpec = {
  name: 'migrate',
  description: 'versioned PostgreSQL schema migrations',
  subcommands: [
    {
      name: 'up',
      description: 'apply pending migrations, each in its own transaction, under an advisory lock',
      examples: ['stockstream migrate up', 'DATABASE_URL=postgres://u:p@db:5432/stocks stockstream migrate up'],
      load: () => import('./run.ts'),
      input: () => ({ action: 'up' }),
    },
    {
      name: 'status',
      description: 'list applied and pending migrations; fails if an applied file changed',
      examples: ['stockstream migrate status', 'stockstream --json migrate status'],
      load: () => import('./run.ts'),
      input: () => ({ action: 'status' }),
    },
  ],
};
