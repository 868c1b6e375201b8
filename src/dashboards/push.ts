/**
 * Creates or updates StockStream's data sources, folder and dashboards in a running Grafana,
 * each found by its uid, so pushing twice leaves the same state as pushing once.
 *
 * API (Grafana 11/12, documented HTTP API):
 *   GET  /api/datasources/uid/:uid → PUT /api/datasources/uid/:uid, or POST /api/datasources
 *   GET  /api/folders/:uid         → PUT /api/folders/:uid (title changed), or POST /api/folders
 *   POST /api/dashboards/db        with overwrite: true and folderUid
 */
import type { Config } from '../config/schema.ts';
import { apiDatasources } from './datasources.ts';
import { dashboards } from './generate.ts';
import type { GrafanaClient } from './grafana-client.ts';
import { folderUid } from './names.ts';

export type PushAction = 'created' | 'updated' | 'unchanged';

export interface PushedItem {
  kind: 'datasource' | 'folder' | 'dashboard';
  uid: string;
  title: string;
  action: PushAction;
  /** Dashboards: the path Grafana serves it under. */
  url?: string;
}

const MESSAGE = 'stockstream dashboards push';

function field(body: unknown, key: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
}

async function pushDatasources(client: GrafanaClient, config: Config): Promise<PushedItem[]> {
  const items: PushedItem[] = [];
  for (const source of apiDatasources(config)) {
    const path = `/api/datasources/uid/${encodeURIComponent(source.uid)}`;
    const existing = await client.request('GET', path, { allowNotFound: true });
    if (existing.status === 404) {
      await client.request('POST', '/api/datasources', { body: source });
      items.push({ kind: 'datasource', uid: source.uid, title: source.name, action: 'created' });
    } else {
      await client.request('PUT', path, { body: source });
      items.push({ kind: 'datasource', uid: source.uid, title: source.name, action: 'updated' });
    }
  }
  return items;
}

async function ensureFolder(client: GrafanaClient, title: string): Promise<PushedItem> {
  const uid = folderUid(title);
  const path = `/api/folders/${encodeURIComponent(uid)}`;
  const existing = await client.request('GET', path, { allowNotFound: true });
  if (existing.status === 404) {
    await client.request('POST', '/api/folders', { body: { uid, title } });
    return { kind: 'folder', uid, title, action: 'created' };
  }
  if (field(existing.body, 'title') === title) return { kind: 'folder', uid, title, action: 'unchanged' };
  await client.request('PUT', path, { body: { title, overwrite: true } });
  return { kind: 'folder', uid, title, action: 'updated' };
}

export async function pushToGrafana(client: GrafanaClient, config: Config): Promise<PushedItem[]> {
  const items = await pushDatasources(client, config);
  const folder = await ensureFolder(client, config.grafana.folder);
  items.push(folder);
  for (const { dashboard } of dashboards(config)) {
    const uid = dashboard.uid!;
    const existing = await client.request('GET', `/api/dashboards/uid/${encodeURIComponent(uid)}`, {
      allowNotFound: true,
    });
    // `id: null` with overwrite: Grafana matches the dashboard by uid, in whichever instance.
    const saved = await client.request('POST', '/api/dashboards/db', {
      body: { dashboard: { ...dashboard, id: null }, folderUid: folder.uid, overwrite: true, message: MESSAGE },
    });
    const url = field(saved.body, 'url');
    items.push({
      kind: 'dashboard',
      uid,
      title: dashboard.title ?? uid,
      action: existing.status === 404 ? 'created' : 'updated',
      url: typeof url === 'string' ? url : undefined,
    });
  }
  return items;
}
