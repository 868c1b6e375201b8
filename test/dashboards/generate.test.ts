// `stockstream dashboards generate` — run as users run it, from the repository with its
// stockstream.config.ts — reproduces the committed grafana/ files byte for byte. When this fails,
// the dashboards code or the config changed: run `node bin/stockstream.js dashboards generate`
// and commit grafana/.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, type CliResult } from '../support/cli.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const COMMITTED = join(REPO, 'grafana');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('stockstream dashboards generate', () => {
  let out: string;
  let result: CliResult;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ss-grafana-'));
    result = await runCli(['dashboards', 'generate', '--out', join(out, 'grafana')], { cwd: REPO, env: cleanEnv() });
  });

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes the provisioning files and dashboards', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('wrote 4 files');
  });

  it('reproduces the committed grafana/ directory byte for byte', async () => {
    const generated = await filesUnder(join(out, 'grafana'));
    const committed = (await filesUnder(COMMITTED)).filter((file) => file !== 'README.md');
    expect(committed).toEqual(generated);
    for (const file of generated) {
      const [want, got] = await Promise.all([readFile(join(COMMITTED, file)), readFile(join(out, 'grafana', file))]);
      expect(
        got.equals(want),
        `grafana/${file} drifted from the code: run \`node bin/stockstream.js dashboards generate\` and commit it`,
      ).toBe(true);
    }
  });

  it('exits 2 naming the path when --out cannot be written', async () => {
    const blocked = await runCli(['dashboards', 'generate', '--out', join(COMMITTED, 'README.md', 'inside')], {
      cwd: REPO,
      env: cleanEnv(),
    });
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(
      /cannot write .*README\.md\/inside\/provisioning\/datasources\/\S+ \(ENOTDIR\) — pass a directory you can write to with --out/,
    );
  });

  it('lists what it wrote as JSON with --json', async () => {
    const json = await runCli(['--json', 'dashboards', 'generate', '--out', join(out, 'again')], {
      cwd: REPO,
      env: cleanEnv(),
    });
    expect(json.code, json.stderr).toBe(0);
    const record = JSON.parse(json.stdout) as { out: string; files: string[] };
    expect(record.files.map((file) => relative(record.out, file))).toEqual([
      'provisioning/datasources/stockstream.yaml',
      'provisioning/dashboards/stockstream.yaml',
      'dashboards/market-overview.json',
      'dashboards/symbol-detail.json',
    ]);
  });
});
