/**
 * Every command, in the order `stockstream --help` lists them. A new command is a folder
 * `src/commands/<name>/` with `command.ts` (its spec: name, description, options, examples, a lazy
 * `load` of the handler) and `run.ts` (the handler), plus one entry here. Option groups several
 * commands share are in `options.ts`; their config mapping in src/config/overrides.ts.
 */
import { backtestCommand } from './backtest/command.ts';
import { completionCommand } from './completion/command.ts';
import { configCommand } from './config/command.ts';
import { consumeCommand } from './consume/command.ts';
import { dashboardsCommand } from './dashboards/command.ts';
import { dlqCommand } from './dlq/command.ts';
import { doctorCommand } from './doctor/command.ts';
import { infoCommand } from './info/command.ts';
import { initCommand } from './init/command.ts';
import { migrateCommand } from './migrate/command.ts';
import { produceCommand } from './produce/command.ts';
import type { CommandSpec } from './spec.ts';
import { statusCommand } from './status/command.ts';
import { tailCommand } from './tail/command.ts';
import { watchCommand } from './watch/command.ts';

export const COMMANDS: readonly CommandSpec[] = [
  produceCommand,
  consumeCommand,
  infoCommand,
  migrateCommand,
  dashboardsCommand,
  watchCommand,
  backtestCommand,
  tailCommand,
  statusCommand,
  dlqCommand,
  configCommand,
  doctorCommand,
  initCommand,
  completionCommand,
];
