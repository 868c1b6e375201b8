import { defineOptions, type FlagsOf, type LeafCommandSpec } from '../spec.ts';

export const statusOptions = defineOptions({
  watch: { flags: '--watch', description: 'refresh in place until Ctrl-C' },
  interval: { flags: '--interval <duration>', description: 'with --watch: time between refreshes', default: '5s' },
});
export type StatusFlags = FlagsOf<typeof statusOptions>;

export const statusCommand: LeafCommandSpec = {
  name: 'status',
  description:
    'is it working? the prices topic, the consumer group and its lag, dead letters, state and the newest bars — exit 0 healthy, 1 not',
  options: statusOptions,
  graceful: true,
  examples: [
    'stockstream status',
    'stockstream status --watch',
    'stockstream --json status | jq .checks',
    'stockstream --quiet status || alert-me   # from cron',
  ],
  load: () => import('./run.ts'),
};
