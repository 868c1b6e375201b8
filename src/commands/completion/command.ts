import { SHELLS } from '../../completion/scripts.ts';
import type { LeafCommandSpec } from '../spec.ts';

export const completionCommand: LeafCommandSpec = {
  name: 'completion',
  description: 'print a shell completion script for bash, zsh or fish',
  arguments: [{ syntax: '<shell>', key: 'shell', description: 'the shell', choices: SHELLS }],
  examples: [
    'source <(stockstream completion bash)   # in ~/.bashrc',
    'source <(stockstream completion zsh)    # in ~/.zshrc',
    'stockstream completion fish > ~/.config/fish/completions/stockstream.fish',
  ],
  load: () => import('./run.ts'),
  // The script is generated from the program itself, so it cannot drift from the CLI.
  input: ({ options, program }) => ({ shell: options.shell, program }),
};
