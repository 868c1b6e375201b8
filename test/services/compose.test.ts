/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked the way `docker compose
 * config` checks it: loaded and validated by compose-go (scripts/compose-config), then compared
 * with the shipped stockstream.config.ts, whose ports and credentials it must match.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { cleanEnv } from '../support/cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOOL_SOURCE = join(ROOT, 'scripts/compose-config');

interface ComposePort {
  host_ip?: string;
  target: number;
  published: string;
}
interface ComposeService {
  image: string;
  ports?: ComposePort[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: { type: string; source: string; target: string }[];
}
interface ComposeProject {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

/** Builds the checker once per source version into the cache (Go modules come from the proxy). */
function composeConfigTool(): string {
  const hash = createHash('sha256')
    .update(readFileSync(join(TOOL_SOURCE, 'main.go')))
    .update(readFileSync(join(TOOL_SOURCE, 'go.sum')))
    .digest('hex')
    .slice(0, 12);
  const cache = process.env.STOCKSTREAM_CACHE ?? join(homedir(), '.cache', 'stockstream');
  const binary = join(cache, 'bin', `compose-config-${hash}`);
  if (!existsSync(binary)) {
    mkdirSync(join(cache, 'bin'), { recursive: true });
    execFileSync('go', ['build', '-o', binary, '.'], { cwd: TOOL_SOURCE, stdio: 'inherit' });
  }
  return binary;
}

function composeConfig(tool: string, file: string): { code: number | null; project?: ComposeProject; stderr: string } {
  // A clean environment: compose interpolates ${VAR:-default}, and the defaults are what ships.
  const result = spawnSync(tool, [file], { encoding: 'utf8', env: cleanEnv(), cwd: ROOT });
  return {
    code: result.status,
    stderr: result.stderr,
    project: result.status === 0 ? (JSON.parse(result.stdout) as ComposeProject) : undefined,
  };
}

function portOf(url: string): number {
  return Number(new URL(url.includes('://') ? url : `tcp://${url}`).port);
}

describe('docker-compose.yml', () => {
  let tool: string;
  let project: ComposeProject;
  let config: Config;

  beforeAll(async () => {
    tool = composeConfigTool();
    const loaded = composeConfig(tool, join(ROOT, 'docker-compose.yml'));
    expect(loaded.stderr).toBe('');
    expect(loaded.code).toBe(0);
    project = loaded.project!;
    config = (await loadConfig({ configPath: join(ROOT, 'stockstream.config.ts'), env: {} })).config;
  }, 300_000);

  it('is rejected by the checker when it is wrong (the check can fail)', () => {
    const broken = join(tmpdir(), `compose-broken-${process.pid}.yml`);
    writeFileSync(
      broken,
      readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8').replace('healthcheck:', 'helthcheck:'),
    );
    const result = composeConfig(tool, broken);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('helthcheck');
  });

  it('runs Kafka, InfluxDB 2.7, PostgreSQL 17 and Grafana 12, each with a health check', () => {
    expect(Object.keys(project.services).sort()).toEqual(['grafana', 'influxdb', 'kafka', 'postgres']);
    expect(project.services.kafka!.image).toMatch(/^apache\/kafka:4\./);
    expect(project.services.influxdb!.image).toBe('influxdb:2.7');
    expect(project.services.postgres!.image).toMatch(/^postgres:17/);
    expect(project.services.grafana!.image).toMatch(/^grafana\/grafana:12\./);
    for (const service of Object.values(project.services)) expect(service.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('publishes the ports of the shipped config, on 127.0.0.1 only', () => {
    const published = (name: string) =>
      project.services[name]!.ports!.map((p) => ({ host: p.host_ip, port: Number(p.published) }));
    expect(published('kafka')).toEqual([{ host: '127.0.0.1', port: portOf(config.kafka.brokers[0]!) }]);
    expect(published('influxdb')).toEqual([{ host: '127.0.0.1', port: portOf(config.influx.url) }]);
    expect(published('postgres')).toEqual([{ host: '127.0.0.1', port: portOf(config.postgres.url) }]);
    expect(published('grafana')).toEqual([{ host: '127.0.0.1', port: portOf(config.grafana.url) }]);
  });

  it('sets up InfluxDB and PostgreSQL with the credentials of the shipped config', () => {
    const influx = project.services.influxdb!.environment!;
    expect(influx).toMatchObject({
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_ORG: config.influx.org,
      DOCKER_INFLUXDB_INIT_BUCKET: config.influx.bucket,
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: config.influx.token,
    });
    const pg = new URL(config.postgres.url);
    expect(project.services.postgres!.environment).toMatchObject({
      POSTGRES_USER: pg.username,
      POSTGRES_PASSWORD: pg.password,
      POSTGRES_DB: pg.pathname.slice(1),
    });
  });

  it('leaves topic creation to stockstream and keeps data in named volumes', () => {
    expect(project.services.kafka!.environment!.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    for (const name of ['kafka', 'influxdb', 'postgres']) {
      const volumes = project.services[name]!.volumes!.filter((v) => v.type === 'volume');
      expect(volumes.length).toBeGreaterThan(0);
      for (const volume of volumes) expect(Object.keys(project.volumes)).toContain(volume.source);
    }
  });

  it('starts Grafana after healthy data stores, with the generated provisioning and dashboards mounted', () => {
    const grafana = project.services.grafana!;
    expect(grafana.depends_on).toMatchObject({
      influxdb: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
    });
    const mounts = Object.fromEntries(
      grafana.volumes!.filter((v) => v.type === 'bind').map((v) => [v.target, v.source]),
    );
    expect(mounts['/etc/grafana/provisioning']).toBe(join(ROOT, 'grafana/provisioning'));
    expect(mounts['/var/lib/grafana/dashboards']).toBe(join(ROOT, 'grafana/dashboards'));
    expect(existsSync(join(ROOT, 'grafana/provisioning/datasources'))).toBe(true);
  });
});
