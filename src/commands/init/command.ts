import type { LeafCommandSpec } from '../spec.ts';

export const initCommand: LeafCommandSpec = {
  name: 'init',
  description: 'write a commented starter stockstream.config.ts and .env.example here (never overwrites)',
  examples: ['mkdir my-stocks && cd my-stocks && stockstream init'],
  load: () => import('./run.ts'),
  input: () => ({}),
};
