/**
 * Shell completion scripts for bash, zsh and fish, generated from the commander program itself
 * (commands, subcommands, options, choices), so completion cannot drift from the CLI.
 */
import type { Command } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface CompletionOption {
  flags: string[];
  takesValue: boolean;
  choices: readonly string[] | undefined;
  description: string;
}

interface CompletionNode {
  /** Command words after `stockstream`, space-separated; '' for the program itself. */
  path: string;
  subcommands: { name: string; description: string }[];
  options: CompletionOption[];
}

const HELP: CompletionOption = {
  flags: ['-h', '--help'],
  takesValue: false,
  choices: undefined,
  description: 'display help',
};

function optionsOf(command: Command): CompletionOption[] {
  return command.options.map((option) => ({
    flags: [option.short, option.long].filter((flag): flag is string => Boolean(flag)),
    takesValue: option.required || option.optional,
    choices: option.argChoices,
    description: option.description,
  }));
}

/** Every command of the program, depth first; global options are accepted at every level. */
function nodes(program: Command): CompletionNode[] {
  const globals = optionsOf(program);
  const out: CompletionNode[] = [];
  const visit = (command: Command, path: string[]) => {
    const own = command === program ? [] : optionsOf(command);
    out.push({
      path: path.join(' '),
      subcommands: command.commands.map((sub) => ({ name: sub.name(), description: sub.description() })),
      options: [...own, ...globals, HELP],
    });
    for (const sub of command.commands) visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return out;
}

const single = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function words(node: CompletionNode): string {
  return [
    ...node.subcommands.map((sub) => sub.name),
    ...node.options.flatMap((option) => option.flags.filter((flag) => flag.startsWith('--'))),
  ].join(' ');
}

/** `case` arms for option values: choices complete from their list, other values as file names. */
function valueArms(all: CompletionNode[], arm: (pattern: string, option: CompletionOption) => string): string[] {
  return all.flatMap((node) =>
    node.options
      .filter((option) => option.takesValue)
      .map((option) => arm(option.flags.map((flag) => single(`${node.path}|${flag}`)).join('|'), option)),
  );
}

function bash(name: string, all: CompletionNode[]): string {
  const fn = `_${name}_completion`;
  const paths = all
    .filter((node) => node.path)
    .map((node) => single(node.path))
    .join('|');
  return `# ${name} completion for bash. Load it with:  source <(${name} completion bash)
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd='' next i
  for ((i = 1; i < COMP_CWORD; i++)); do
    next="\${cmd:+$cmd }\${COMP_WORDS[i]}"
    case "$next" in ${paths}) cmd=$next ;; esac
  done
  case "$cmd|$prev" in
${valueArms(all, (pattern, option) => `    ${pattern}) COMPREPLY=(${option.choices ? `$(compgen -W ${single(option.choices.join(' '))} -- "$cur")` : ''}); return ;;`).join('\n')}
  esac
  local candidates=''
  case "$cmd" in
${all.map((node) => `    ${single(node.path)}) candidates=${single(words(node))} ;;`).join('\n')}
  esac
  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
}
complete -o default -F ${fn} ${name}
`;
}

function zsh(name: string, all: CompletionNode[]): string {
  const fn = `_${name}`;
  const paths = all
    .filter((node) => node.path)
    .map((node) => single(node.path))
    .join('|');
  return `#compdef ${name}
# ${name} completion for zsh. Load it with:  source <(${name} completion zsh)
# (or save it as _${name} in a directory of your $fpath).
${fn}() {
  local cmd='' next i
  local -a candidates
  for ((i = 2; i < CURRENT; i++)); do
    next="\${cmd:+$cmd }\${words[i]}"
    case "$next" in (${paths}) cmd=$next ;; esac
  done
  case "$cmd|\${words[CURRENT-1]}" in
${valueArms(all, (pattern, option) => (option.choices ? `    (${pattern}) candidates=(${option.choices.join(' ')}); compadd -a candidates; return ;;` : `    (${pattern}) _files; return ;;`)).join('\n')}
  esac
  case "$cmd" in
${all.map((node) => `    (${single(node.path)}) candidates=(${words(node)}) ;;`).join('\n')}
  esac
  compadd -a candidates
}
if [[ "\${funcstack[1]}" == ${fn} ]]; then ${fn} "$@"; else compdef ${fn} ${name}; fi
`;
}

function fish(name: string, all: CompletionNode[]): string {
  const fn = `__${name}_command`;
  const lines = [
    `# ${name} completion for fish. Load it with:  ${name} completion fish | source`,
    `# (or save it as ~/.config/fish/completions/${name}.fish).`,
    `set -g __${name}_paths ${all
      .filter((node) => node.path)
      .map((node) => single(node.path))
      .join(' ')}`,
    `function ${fn} --description 'the ${name} command words typed so far'`,
    `    set -l cmd ''`,
    `    for word in (commandline -opc)[2..-1]`,
    `        set -l next (string trim -- "$cmd $word")`,
    `        contains -- $next $__${name}_paths; and set cmd $next`,
    `    end`,
    `    echo $cmd`,
    `end`,
    `complete -c ${name} -f`,
  ];
  for (const node of all) {
    const when = `-n ${single(`test (${fn}) = ${single(node.path)}`)}`;
    for (const sub of node.subcommands)
      lines.push(`complete -c ${name} ${when} -a ${single(sub.name)} -d ${single(sub.description)}`);
    for (const option of node.options) {
      const flags = option.flags
        .map((flag) => (flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`))
        .join(' ');
      const value = option.takesValue ? (option.choices ? ` -x -a ${single(option.choices.join(' '))}` : ' -r -F') : '';
      lines.push(`complete -c ${name} ${when} ${flags}${value} -d ${single(option.description)}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function completionScript(shell: Shell, program: Command): string {
  const all = nodes(program);
  const name = program.name();
  if (shell === 'bash') return bash(name, all);
  if (shell === 'zsh') return zsh(name, all);
  return fish(name, all);
}
