import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { STARTER_CONFIG, STARTER_ENV, starterConfig, starterEnv } from '../../init/starter.ts';
import type { CommandRun } from '../context.ts';

export const run: CommandRun<Record<string, never>> = async (ctx) => {
  const files = [
    { path: resolve(STARTER_CONFIG), text: starterConfig() },
    { path: resolve(STARTER_ENV), text: starterEnv() },
  ];
  const existing = files.filter((file) => existsSync(file.path)).map((file) => file.path);
  if (existing.length > 0) {
    throw new UsageError(`not overwriting ${existing.join(' and ')}`, 'move it away or run init in another directory');
  }
  // 'wx' fails instead of overwriting a file that appeared since the check.
  for (const file of files) writeFileSync(file.path, file.text, { flag: 'wx' });
  for (const file of files) ctx.logger.success(`wrote ${file.path}`);
  ctx.logger.info('next: edit the symbols, then `stockstream config` to see the result');
};
