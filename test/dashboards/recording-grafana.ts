// A local HTTP server that records requests and keeps data sources, folders and dashboards by uid
// the way Grafana's HTTP API answers them — enough to check the shape of what `push` sends and
// that pushing twice changes nothing. It is not Grafana: the queries are tested elsewhere.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

export interface RecordingGrafana {
  url: string;
  requests: RecordedRequest[];
  datasources: Map<string, Record<string, unknown>>;
  folders: Map<string, Record<string, unknown>>;
  dashboards: Map<string, { dashboard: Record<string, unknown>; folderUid: unknown; version: number }>;
  /** Answer every request with this status instead (401, 403, 404…). */
  failWith: number | undefined;
  close(): Promise<void>;
}

type Reply = [number, unknown];

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text === '' ? undefined : JSON.parse(text);
}

export async function startRecordingGrafana(token: string): Promise<RecordingGrafana> {
  const state: Omit<RecordingGrafana, 'url' | 'close'> = {
    requests: [],
    datasources: new Map(),
    folders: new Map(),
    dashboards: new Map(),
    failWith: undefined,
  };

  function route(method: string, path: string, body: Record<string, unknown>): Reply {
    let m: RegExpMatchArray | null;
    if ((m = path.match(/^\/api\/datasources\/uid\/([^/]+)$/))) {
      const uid = decodeURIComponent(m[1]!);
      const existing = state.datasources.get(uid);
      if (!existing) return [404, { message: 'Data source not found' }];
      if (method === 'GET') return [200, existing];
      if (method === 'PUT') {
        state.datasources.set(uid, { ...body, uid });
        return [200, { message: 'Datasource updated', datasource: body }];
      }
    }
    if (path === '/api/datasources' && method === 'POST') {
      if (state.datasources.has(String(body.uid)))
        return [409, { message: 'data source with the same uid already exists' }];
      state.datasources.set(String(body.uid), body);
      return [200, { message: 'Datasource added', datasource: body }];
    }
    if ((m = path.match(/^\/api\/folders\/([^/]+)$/))) {
      const uid = decodeURIComponent(m[1]!);
      const existing = state.folders.get(uid);
      if (!existing) return [404, { message: 'folder not found' }];
      if (method === 'GET') return [200, existing];
      if (method === 'PUT') {
        state.folders.set(uid, { uid, title: body.title });
        return [200, state.folders.get(uid)];
      }
    }
    if (path === '/api/folders' && method === 'POST') {
      if (state.folders.has(String(body.uid))) return [409, { message: 'a folder with the same uid already exists' }];
      state.folders.set(String(body.uid), { uid: body.uid, title: body.title });
      return [200, state.folders.get(String(body.uid))];
    }
    if ((m = path.match(/^\/api\/dashboards\/uid\/([^/]+)$/)) && method === 'GET') {
      const saved = state.dashboards.get(decodeURIComponent(m[1]!));
      return saved
        ? [200, { dashboard: saved.dashboard, meta: { folderUid: saved.folderUid } }]
        : [404, { message: 'Dashboard not found' }];
    }
    if (path === '/api/dashboards/db' && method === 'POST') {
      const dashboard = body.dashboard as Record<string, unknown>;
      const uid = String(dashboard.uid);
      const existing = state.dashboards.get(uid);
      if (existing && body.overwrite !== true)
        return [412, { message: 'A dashboard with the same uid already exists', status: 'name-exists' }];
      if (!state.folders.has(String(body.folderUid))) return [400, { message: 'folder not found' }];
      const version = (existing?.version ?? 0) + 1;
      state.dashboards.set(uid, { dashboard, folderUid: body.folderUid, version });
      return [200, { id: 1, uid, url: `/d/${uid}/slug`, status: 'success', version }];
    }
    return [404, { message: 'Not found' }];
  }

  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req);
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    state.requests.push({
      method,
      path,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    });
    let reply: Reply;
    if (state.failWith !== undefined)
      reply = [state.failWith, { message: state.failWith === 401 ? 'invalid API key' : 'Permissions needed' }];
    else if (req.headers.authorization !== `Bearer ${token}`) reply = [401, { message: 'invalid API key' }];
    else reply = route(method, path, (body ?? {}) as Record<string, unknown>);
    res.writeHead(reply[0], { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(reply[1]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  });
}
