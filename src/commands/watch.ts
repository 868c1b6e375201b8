import { UsageError } from '../errors.ts';
import type { CommandRun } from './context.ts';

// Placeholder until its issue lands: says so clearly and exits 2.
export const run: CommandRun<unknown> = async () => {
  throw new UsageError('`stockstream watch` is not built yet', 'see the README for what is available');
};
