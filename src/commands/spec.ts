/**
 * How a command declares itself: name, description, options, examples and a lazy `load` of its
 * handler, in `src/commands/<name>/command.ts` beside the handler. `src/cli.ts` turns the list in
 * `src/commands/index.ts` into the commander program; a handler's option type is `FlagsOf` its
 * spec's options, so a flag is declared once. Only type imports here: `--help` loads every spec.
 */
import type { Command } from 'commander';
import type { CommandRun } from './context.ts';

export interface OptionSpec {
  /** Commander syntax: `-s, --symbols <list>`, `--extended-hours`, `--no-color`. */
  readonly flags: string;
  readonly description: string;
  readonly default?: string;
  readonly choices?: readonly string[];
  /** A switch that is also offered as `--no-<name>` (with this description), like tail's --no-follow. */
  readonly negation?: string;
}

/** Options by the property name commander gives them (`--extended-hours` → `extendedHours`). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface ArgumentSpec {
  /** Commander syntax: `<symbol>`, `[symbols...]`. */
  readonly syntax: string;
  /** The property of the handler's options that receives it. */
  readonly key: string;
  readonly description: string;
  readonly choices?: readonly string[];
}

/** What the handler receives: the options, each argument under its `key`, and the whole program. */
export interface ParsedCommand {
  options: Record<string, unknown>;
  program: Command;
}

interface SpecCommon {
  readonly name: string;
  readonly description: string;
  readonly examples?: readonly string[];
}

export interface LeafCommandSpec extends SpecCommon {
  readonly arguments?: readonly ArgumentSpec[];
  readonly options?: OptionSpecs;
  /** Stops cleanly on the first SIGINT/SIGTERM (long-running commands). */
  readonly graceful?: boolean;
  /** The handler, imported only when the command runs so `--help` stays fast. */
  load(): Promise<{ run: CommandRun<never> }>;
  /** Shapes what the handler receives; by default the options with the arguments merged in. */
  input?(parsed: ParsedCommand): unknown;
}

/** A command group like `info` (`info sync`, `info show`…): run without a subcommand it prints help. */
export interface GroupCommandSpec extends SpecCommon {
  readonly subcommands: readonly CommandSpec[];
}

export type CommandSpec = LeafCommandSpec | GroupCommandSpec;

/** Keeps the literal flag strings, so `FlagsOf` can tell value flags from switches. */
export function defineOptions<const S extends OptionSpecs>(options: S): S {
  return options;
}

type FlagValue<O extends OptionSpec> = O['flags'] extends `${string}...${'>' | ']'}`
  ? string[]
  : O['flags'] extends `${string}${'<' | '['}${string}`
    ? string
    : boolean;

/** The option values commander hands a handler: value flags are strings, switches booleans. */
export type FlagsOf<S extends OptionSpecs> = {
  -readonly [K in keyof S as S[K] extends { default: string } ? K : never]: FlagValue<S[K]>;
} & {
  -readonly [K in keyof S as S[K] extends { default: string } ? never : K]?: FlagValue<S[K]>;
};
