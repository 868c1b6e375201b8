import { defineOptions, type FlagsOf, type LeafCommandSpec } from '../spec.ts';

export const configOptions = defineOptions({
  path: { flags: '--path', description: 'print only the config file in use' },
});
export type ConfigFlags = FlagsOf<typeof configOptions>;

export const configCommand: LeafCommandSpec = {
  name: 'config',
  description: 'print the resolved config (defaults < file < environment < flags), secrets as ***',
  options: configOptions,
  examples: [
    'stockstream config',
    'stockstream --json config | jq .kafka',
    'stockstream --config prod.config.ts config',
  ],
  load: () => import('./run.ts'),
};
