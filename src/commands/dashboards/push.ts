/** `stockstream dashboards push`: data sources, folder and dashboards into a running Grafana. */
import { createGrafanaClient } from '../../dashboards/grafana-client.ts';
import { pushToGrafana, type PushedItem } from '../../dashboards/push.ts';
import { ConfigError } from '../../errors.ts';
import type { CommandRun } from '../context.ts';
import type { PushOptions } from './command.ts';
import { OverrideBuilder } from '../../config/overrides.ts';

function describe(item: PushedItem): string {
  const where = item.url ? ` ${item.url}` : '';
  return `${item.kind} "${item.title}" (${item.uid}) ${item.action}${where}`;
}

export const run: CommandRun<PushOptions> = async (ctx, options) => {
  const overrides = new OverrideBuilder()
    .set('grafana.url', options.url, '--url')
    .set('grafana.token', options.token, '--token')
    .set('grafana.folder', options.folder, '--folder')
    .build();
  const config = await ctx.loadConfig(overrides);
  const { url, token } = config.grafana;
  if (!token) {
    throw new ConfigError(
      'no Grafana token',
      'pass --token or set GRAFANA_TOKEN to a service-account token (Administration → Service accounts)',
    );
  }
  const client = createGrafanaClient({ url, token });
  ctx.logger.info(`pushing to ${client.url}`);
  const items = await pushToGrafana(client, config);
  for (const item of items) ctx.out.record(item, () => describe(item));
  ctx.logger.success(`pushed ${items.length} items to ${client.url}`);
};
