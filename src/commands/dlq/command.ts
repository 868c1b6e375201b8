import { defineOptions, type GroupCommandSpec } from '../spec.ts';

/** Which dead letters: shared by list, show and redrive. */
const selectionOptions = defineOptions({
  of: { flags: '--of <topic>', description: 'whose dead letters: prices (default), info, or a topic name' },
  stage: { flags: '--stage <stage>', description: 'only this stage: decode, late, future, process, info-decode' },
  since: { flags: '--since <when>', description: 'only dead letters written since this long ago (1h) or this time' },
});

export const dlqCommand: GroupCommandSpec = {
  name: 'dlq',
  description: 'dead letters: what landed there and why, and sending them back once fixed',
  subcommands: [
    {
      name: 'list',
      description: 'dead letters grouped by stage and reason, with counts and the first and last of each',
      options: selectionOptions,
      examples: ['stockstream dlq list', 'stockstream dlq list --of info --since 1d'],
      load: () => import('./list.ts'),
    },
    {
      name: 'show',
      description: 'dead letters one by one, like `tail dlq`',
      options: defineOptions({
        ...selectionOptions,
        limit: { flags: '--limit <n>', description: 'at most this many' },
      }),
      examples: [
        'stockstream dlq show --stage decode --limit 5',
        'stockstream --json dlq show --stage late | jq .deadLetter',
      ],
      load: () => import('./show.ts'),
    },
    {
      name: 'redrive',
      description: 'send the original bytes of chosen dead letters again, once each (asks on a terminal)',
      options: defineOptions({
        ...selectionOptions,
        to: { flags: '--to <topic>', description: 'send them here instead of the topic they came from' },
        yes: { flags: '-y, --yes', description: 'do not ask for confirmation' },
      }),
      examples: [
        'stockstream dlq redrive --stage future',
        'stockstream dlq redrive --stage decode --since 2h --to prices-retry --yes',
      ],
      load: () => import('./redrive.ts'),
    },
  ],
};
