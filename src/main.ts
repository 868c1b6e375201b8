/**
 * The one place that turns errors into messages and exit codes:
 * 0 success, 1 runtime failure, 2 usage or config error, 3 partial failure, 130 interrupted.
 */
import chalk from 'chalk';
import { CommanderError } from 'commander';
import { buildCli, type Invoke } from './cli.ts';
import type { CommandContext, GlobalOptions } from './commands/context.ts';
import type { globalOptions } from './commands/options.ts';
import type { FlagsOf } from './commands/spec.ts';
import type { FlagOverrides } from './config/overrides.ts';
import { ExitCode, StockstreamError, UsageError, errorMessage } from './errors.ts';
import { createLogger, type Logger } from './ui/logger.ts';
import { createOutput } from './ui/output.ts';
import { endQuietlyOnBrokenPipe, flushStdio } from './ui/stdio.ts';

/** The program's options as commander hands them over (declared in src/commands/options.ts). */
type RawGlobals = FlagsOf<typeof globalOptions>;

function readGlobals(raw: RawGlobals): GlobalOptions {
  const color = raw.color !== false && !process.env.NO_COLOR;
  return {
    config: raw.config,
    verbose: raw.verbose ?? false,
    quiet: raw.quiet ?? false,
    json: raw.json ?? false,
    color,
    logFile: raw.logFile,
  };
}

function report(error: unknown, logger: Logger, verbose: boolean): number {
  if (error instanceof StockstreamError) {
    if (error.exitCode !== ExitCode.interrupted) {
      const hint = error.hint ? ` — ${error.hint}` : '';
      logger.error(`${error.message}${hint}`, logger.json ? { exitCode: error.exitCode } : undefined);
    }
    if (verbose && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  logger.error(`unexpected error: ${errorMessage(error)}${verbose ? '' : ' (run with --verbose for details)'}`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return ExitCode.failure;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let commanderError: string | undefined;

  const invoke: Invoke = async (load, options, mode = {}) => {
    const globals = readGlobals(program.opts<RawGlobals>());
    if (!globals.color) chalk.level = 0;
    const logger = createLogger({
      json: globals.json,
      quiet: globals.quiet,
      level: globals.verbose ? 'debug' : 'info',
      file: globals.logFile,
    });
    const controller = new AbortController();
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (!mode.graceful || signals > 1) {
        process.exit(ExitCode.interrupted);
      }
      logger.info(`${signal} received: finishing in-flight work (press Ctrl-C again to force)`);
      controller.abort(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    let configFile: string | undefined;
    const ctx: CommandContext = {
      globals,
      configFile: () => configFile,
      logger,
      out: createOutput(globals.json),
      signal: controller.signal,
      loadConfig: async (overrides?: FlagOverrides) => {
        const { loadConfig } = await import('./config/load.ts');
        const { secretValues } = await import('./config/redact.ts');
        const { config, filepath, warnings } = await loadConfig({
          configPath: globals.config,
          overrides: overrides?.values,
          overrideOrigins: overrides?.origins,
        });
        configFile = filepath;
        for (const warning of warnings) logger.warn(warning);
        logger.addSecrets(secretValues(config));
        if (!globals.logFile && config.logging.file) logger.setFile(config.logging.file);
        if (!globals.verbose) logger.setLevel(config.logging.level);
        logger.debug('config loaded', { file: filepath ?? '(defaults)' });
        return config;
      },
    };
    try {
      const command = await load();
      exitCode = (await command.run(ctx, options)) ?? ExitCode.ok;
    } catch (error) {
      exitCode = report(error, logger, globals.verbose);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };

  const program = buildCli(invoke, {
    writeOut: (text) => process.stdout.write(text),
    writeError: (text) => {
      commanderError = text;
    },
  });

  program.hook('preAction', () => {
    const raw = program.opts<RawGlobals>();
    if (raw.verbose && raw.quiet)
      throw new UsageError('--verbose and --quiet contradict each other', 'use one of them');
  });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${chalk.red('error')} ${error.message} — ${error.hint ?? 'see stockstream --help'}\n`);
      return ExitCode.usage;
    }
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // A command group run without its subcommand (`stockstream info`) prints its help: a usage error.
    if (error.code === 'commander.help') return ExitCode.usage;
    const message = commanderError ?? error.message.replace(/^error: /, '');
    process.stderr.write(`${chalk.red('error')} ${message} — see stockstream --help\n`);
    return ExitCode.usage;
  }
  return exitCode;
}

/**
 * The launcher's entry point: runs the command, lets stdout and stderr drain into their pipes, then
 * exits. Exiting explicitly (rather than when the event loop empties) is what keeps a client's
 * background retry timers (kafkajs, websockets) from holding a finished or failed command alive.
 */
export async function run(argv: string[]): Promise<never> {
  endQuietlyOnBrokenPipe();
  const exitCode = await main(argv);
  await flushStdio();
  process.exit(exitCode);
}
