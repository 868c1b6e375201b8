/**
 * Turns the command specs (src/commands/index.ts) into the commander program. Handlers (and their
 * heavy dependencies: kafkajs, yahoo-finance2, the database clients) load only when their command
 * runs, so `stockstream --help` stays fast; this file only loops.
 */
import { Argument, Command, Option } from 'commander';
import { COMMANDS } from './commands/index.ts';
import { globalOptions } from './commands/options.ts';
import type { CommandSpec, LeafCommandSpec, OptionSpecs } from './commands/spec.ts';
import type { CommandRun } from './commands/context.ts';
import { versionLine } from './version.ts';

/** Runs a lazily loaded command; `graceful` commands stop cleanly on the first SIGINT/SIGTERM. */
export type Invoke = <O>(
  load: () => Promise<{ run: CommandRun<O> }>,
  options: O,
  mode?: { graceful?: boolean },
) => Promise<void>;

export interface CliOutput {
  writeOut(text: string): void;
  /** Commander's own errors (unknown command, missing argument…), already reduced to one line. */
  writeError(text: string): void;
}

const PROGRAM_EXAMPLES = [
  'stockstream watch --source synthetic AAPL MSFT',
  'stockstream produce --symbols AAPL,MSFT',
  'stockstream consume --sinks influx,console',
  'stockstream migrate up && stockstream info sync',
  'stockstream doctor',
];

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

function addOptions(command: Command, options: OptionSpecs): void {
  for (const spec of Object.values(options)) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) option.choices(spec.choices);
    if (spec.default !== undefined) option.default(spec.default);
    command.addOption(option);
    if (spec.negation !== undefined) command.addOption(new Option(`--no-${option.name()}`, spec.negation));
  }
}

function addAction(command: Command, spec: LeafCommandSpec, invoke: Invoke, program: Command): void {
  for (const argument of spec.arguments ?? []) {
    const declared = new Argument(argument.syntax, argument.description);
    if (argument.choices) declared.choices(argument.choices);
    command.addArgument(declared);
  }
  command.action((...params: unknown[]) => {
    const options: Record<string, unknown> = { ...command.opts() };
    (spec.arguments ?? []).forEach((argument, index) => {
      options[argument.key] = params[index];
    });
    const input = spec.input ? spec.input({ options, program }) : options;
    return invoke(spec.load as () => Promise<{ run: CommandRun<unknown> }>, input, { graceful: spec.graceful });
  });
}

function addCommand(parent: Command, spec: CommandSpec, invoke: Invoke, program: Command): void {
  const command = parent.command(spec.name).description(spec.description);
  if ('subcommands' in spec) {
    for (const sub of spec.subcommands) addCommand(command, sub, invoke, program);
  } else {
    addOptions(command, spec.options ?? {});
    addAction(command, spec, invoke, program);
  }
  if (spec.examples) command.addHelpText('after', examples(spec.examples));
}

export function buildCli(invoke: Invoke, output: CliOutput): Command {
  const program = new Command('stockstream')
    .exitOverride()
    .configureOutput({
      writeOut: output.writeOut,
      writeErr: output.writeOut,
      outputError: (text) =>
        output.writeError(
          text
            .replace(/^error: /, '')
            .replace(/\n+/g, ' ')
            .trim(),
        ),
    })
    .description(
      'Live stock prices into insights: Yahoo Finance → Kafka → event-time windows → InfluxDB, PostgreSQL, Grafana.',
    )
    .version(versionLine(), '-V, --version', 'print the version, Node version and platform');
  addOptions(program, globalOptions);
  program.showSuggestionAfterError(true).addHelpText('after', examples(PROGRAM_EXAMPLES));
  for (const spec of COMMANDS) addCommand(program, spec, invoke, program);
  return program;
}
