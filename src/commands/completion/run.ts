import type { Command } from 'commander';
import { completionScript, type Shell } from '../../completion/scripts.ts';
import type { CommandRun } from '../context.ts';

export const run: CommandRun<{ shell: Shell; program: Command }> = async (ctx, { shell, program }) => {
  ctx.out.line(completionScript(shell, program).trimEnd());
};
