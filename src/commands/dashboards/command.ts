import { defineOptions, type FlagsOf, type GroupCommandSpec } from '../spec.ts';

export const generateOptions = defineOptions({
  out: { flags: '--out <dir>', description: 'output directory', default: 'grafana' },
});
export type GenerateOptions = FlagsOf<typeof generateOptions>;

export const pushOptions = defineOptions({
  url: { flags: '--url <url>', description: 'Grafana URL (default: grafana.url)' },
  token: { flags: '--token <token>', description: 'service-account token (default: GRAFANA_TOKEN)' },
  folder: { flags: '--folder <name>', description: 'folder for the dashboards (default: grafana.folder)' },
});
export type PushOptions = FlagsOf<typeof pushOptions>;

export const dashboardsCommand: GroupCommandSpec = {
  name: 'dashboards',
  description: 'Grafana dashboards and data sources as code',
  subcommands: [
    {
      name: 'generate',
      description: 'write grafana/provisioning and grafana/dashboards from the config',
      options: generateOptions,
      examples: ['stockstream dashboards generate', 'stockstream dashboards generate --out /etc/grafana-stockstream'],
      load: () => import('./generate.ts'),
    },
    {
      name: 'push',
      description: 'create or update the data sources and dashboards in a running Grafana',
      options: pushOptions,
      examples: [
        'GRAFANA_TOKEN=glsa_… stockstream dashboards push',
        'stockstream dashboards push --url http://grafana:3000',
      ],
      load: () => import('./push.ts'),
    },
  ],
};
