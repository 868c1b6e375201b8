/**
 * What every command receives: global flags, a logger, stdout output, a stop signal and a way to
 * load the config with its own flags applied on top.
 */
import type { Config } from '../config/schema.ts';
import type { Logger } from '../ui/logger.ts';
import type { Output } from '../ui/output.ts';
import type { FlagOverrides } from '../config/overrides.ts';

export interface GlobalOptions {
  config?: string;
  verbose: boolean;
  quiet: boolean;
  json: boolean;
  color: boolean;
  logFile?: string;
}

export interface CommandContext {
  globals: GlobalOptions;
  logger: Logger;
  out: Output;
  /** Fires on the first SIGINT/SIGTERM: stop taking new work, flush, and return. */
  signal: AbortSignal;
  loadConfig(overrides?: FlagOverrides): Promise<Config>;
  /** The config file the last `loadConfig` used, if any. */
  configFile(): string | undefined;
}

/** A command's entry point; it returns the exit code (0 when left out). */
export type CommandRun<Options> = (ctx: CommandContext, options: Options) => Promise<number | void>;
