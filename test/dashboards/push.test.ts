// `dashboards push` against a local server that records requests: the request shapes of Grafana's
// documented HTTP API, idempotency by uid, and the errors a user sees.
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGrafanaClient } from '../../src/dashboards/grafana-client.ts';
import { DASHBOARD_UIDS, INFLUX_DATASOURCE, POSTGRES_DATASOURCE } from '../../src/dashboards/names.ts';
import { pushToGrafana } from '../../src/dashboards/push.ts';
import { ConnectError } from '../../src/errors.ts';
import { cleanEnv, runCli } from '../support/cli.ts';
import { startRecordingGrafana, type RecordingGrafana } from './recording-grafana.ts';
import { testConfig } from './session.ts';

const TOKEN = 'glsa_test_token_5f1d';
const config = testConfig({
  influx: { url: 'http://influx.internal:8086', token: 'influx-token-77', org: 'desk', bucket: 'ticks' },
  postgres: { url: 'postgres://grafana_ro:pg%20pw@db.internal:6543/markets?sslmode=require' },
  grafana: { folder: 'Trading Desk' },
});

let grafana: RecordingGrafana;

beforeEach(async () => {
  grafana = await startRecordingGrafana(TOKEN);
});

afterEach(async () => {
  await grafana.close();
});

const push = (token = TOKEN, url = grafana.url) => pushToGrafana(createGrafanaClient({ url, token }), config);
const calls = () => grafana.requests.map((r) => `${r.method} ${r.path}`);

describe('dashboards push', () => {
  it('creates data sources, the folder and the dashboards through the documented endpoints', async () => {
    const items = await push();

    expect(calls()).toEqual([
      `GET /api/datasources/uid/${INFLUX_DATASOURCE.uid}`,
      'POST /api/datasources',
      `GET /api/datasources/uid/${POSTGRES_DATASOURCE.uid}`,
      'POST /api/datasources',
      'GET /api/folders/trading-desk',
      'POST /api/folders',
      `GET /api/dashboards/uid/${DASHBOARD_UIDS.overview}`,
      'POST /api/dashboards/db',
      `GET /api/dashboards/uid/${DASHBOARD_UIDS.symbol}`,
      'POST /api/dashboards/db',
    ]);
    for (const request of grafana.requests) expect(request.authorization).toBe(`Bearer ${TOKEN}`);
    for (const request of grafana.requests.filter((r) => r.method !== 'GET'))
      expect(request.contentType).toBe('application/json');

    expect(grafana.datasources.get(INFLUX_DATASOURCE.uid)).toMatchObject({
      name: 'StockStream InfluxDB',
      type: 'influxdb',
      access: 'proxy',
      url: 'http://influx.internal:8086',
      jsonData: { version: 'Flux', organization: 'desk', defaultBucket: 'ticks' },
      secureJsonData: { token: 'influx-token-77' },
    });
    expect(grafana.datasources.get(POSTGRES_DATASOURCE.uid)).toMatchObject({
      type: 'grafana-postgresql-datasource',
      url: 'db.internal:6543',
      user: 'grafana_ro',
      jsonData: { database: 'markets', sslmode: 'require' },
      secureJsonData: { password: 'pg pw' },
    });
    expect(grafana.folders.get('trading-desk')).toEqual({ uid: 'trading-desk', title: 'Trading Desk' });

    const saves = grafana.requests
      .filter((r) => r.path === '/api/dashboards/db')
      .map((r) => r.body as Record<string, unknown>);
    expect(
      saves.map((s) => ({
        overwrite: s.overwrite,
        folderUid: s.folderUid,
        uid: (s.dashboard as { uid: string }).uid,
        id: (s.dashboard as { id: unknown }).id,
      })),
    ).toEqual([
      { overwrite: true, folderUid: 'trading-desk', uid: DASHBOARD_UIDS.overview, id: null },
      { overwrite: true, folderUid: 'trading-desk', uid: DASHBOARD_UIDS.symbol, id: null },
    ]);
    // The dashboards pushed are the ones `generate` writes for the same config.
    expect((saves[1]!.dashboard as { panels: unknown[] }).panels.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(saves[0]!.dashboard)).toContain('from(bucket: \\"ticks\\")');

    expect(items.map((i) => `${i.kind}:${i.uid}:${i.action}`)).toEqual([
      `datasource:${INFLUX_DATASOURCE.uid}:created`,
      `datasource:${POSTGRES_DATASOURCE.uid}:created`,
      'folder:trading-desk:created',
      `dashboard:${DASHBOARD_UIDS.overview}:created`,
      `dashboard:${DASHBOARD_UIDS.symbol}:created`,
    ]);
    expect(items.at(-1)!.url).toBe(`/d/${DASHBOARD_UIDS.symbol}/slug`);
  });

  it('is idempotent: a second push updates the same uids and creates nothing', async () => {
    await push();
    const firstState = {
      ds: [...grafana.datasources],
      folders: [...grafana.folders],
      dashboards: [...grafana.dashboards.keys()],
    };
    grafana.requests.length = 0;

    const items = await push();

    expect(calls().filter((c) => c.startsWith('POST /api/datasources') || c.startsWith('POST /api/folders'))).toEqual(
      [],
    );
    expect(calls()).toContain(`PUT /api/datasources/uid/${INFLUX_DATASOURCE.uid}`);
    expect(calls()).toContain(`PUT /api/datasources/uid/${POSTGRES_DATASOURCE.uid}`);
    expect(items.map((i) => i.action)).toEqual(['updated', 'updated', 'unchanged', 'updated', 'updated']);
    expect({
      ds: [...grafana.datasources],
      folders: [...grafana.folders],
      dashboards: [...grafana.dashboards.keys()],
    }).toEqual(firstState);
    expect(grafana.dashboards.get(DASHBOARD_UIDS.symbol)!.version).toBe(2);
  });

  it('renames an existing folder of the same uid instead of making another', async () => {
    grafana.folders.set('trading-desk', { uid: 'trading-desk', title: 'trading desk (old)' });
    await push();
    expect(calls()).toContain('PUT /api/folders/trading-desk');
    expect(grafana.folders.get('trading-desk')!.title).toBe('Trading Desk');
  });

  it.each([
    [401, /token was rejected \(401/, /service-account token/],
    [403, /may not GET \/api\/datasources\/uid\/stockstream-influxdb \(403 Forbidden/, /Admin role/],
    [404, /was not found \(404/, /Grafana root/],
    [500, /failed with HTTP 500/, /server log/],
  ])('turns HTTP %i into a one-line ConnectError that says what to fix', async (status, message, hint) => {
    grafana.failWith = status;
    const error = await push().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).message).toMatch(message);
    expect((error as ConnectError).message).toMatch(/^Grafana: /);
    expect((error as ConnectError).hint).toMatch(hint);
    expect((error as ConnectError).message).not.toContain('\n');
    expect(`${(error as ConnectError).message} ${(error as ConnectError).hint}`).not.toContain(TOKEN);
  });

  it('answers 404 for a URL with a wrong path, and says so', async () => {
    const error = await push(TOKEN, `${grafana.url}/grafana`).catch((e: unknown) => e);
    expect((error as ConnectError).message).toMatch(/404/);
  });

  it('reports an unreachable server as a ConnectError', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const error = await push(TOKEN, `http://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});

describe('stockstream dashboards push (CLI)', () => {
  const env = cleanEnv({ INFLUX_URL: 'http://influx.internal:8086' });

  it('pushes with --url/--token, prints what it did and never the token', async () => {
    const result = await runCli(['dashboards', 'push', '--url', grafana.url, '--token', TOKEN, '--folder', 'Desk'], {
      env,
    });
    expect(result.stderr).not.toContain(TOKEN);
    expect(result.stdout).not.toContain(TOKEN);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `dashboard "StockStream · Symbol detail" (${DASHBOARD_UIDS.symbol}) created /d/${DASHBOARD_UIDS.symbol}/slug`,
    );
    expect(grafana.folders.get('desk')).toEqual({ uid: 'desk', title: 'Desk' });
  });

  it('takes the URL and token from GRAFANA_URL / GRAFANA_TOKEN', async () => {
    const result = await runCli(['--json', 'dashboards', 'push'], {
      env: cleanEnv({ GRAFANA_URL: grafana.url, GRAFANA_TOKEN: TOKEN }),
    });
    expect(result.code, result.stderr).toBe(0);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; action: string });
    expect(records.map((r) => r.kind)).toEqual(['datasource', 'datasource', 'folder', 'dashboard', 'dashboard']);
    expect(result.stderr).not.toContain(TOKEN);
  });

  it('exits 2 with a hint when there is no token', async () => {
    const result = await runCli(['dashboards', 'push', '--url', grafana.url], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no Grafana token — pass --token or set GRAFANA_TOKEN/);
    expect(grafana.requests).toEqual([]);
  });

  it('exits 1 with one line when the token is rejected', async () => {
    const result = await runCli(['dashboards', 'push', '--url', grafana.url, '--token', 'wrong-token-123'], { env });
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((line) => line.includes('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /Grafana: the token was rejected \(401 Unauthorized\).* — create a service-account token/,
    );
    expect(result.stderr).not.toContain('wrong-token-123');
  });
});
