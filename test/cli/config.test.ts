import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../support/cli.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'stockstream-config-'));
}

describe('stockstream config', () => {
  it('prints the resolved config as JSON with every secret as ***', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'stockstream.config.mjs'),
      `export default { symbols: ['nvda'], grafana: { token: 'glsa_file_secret_123' } };\n`,
    );
    const env = cleanEnv({
      INFLUX_TOKEN: 'influx-secret-456',
      DATABASE_URL: 'postgres://app:pg-secret-789@db:5432/stocks',
    });
    const { code, stdout, stderr } = await runCli(['--json', 'config'], { cwd: dir, env });
    expect(code).toBe(0);
    const config = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(config.symbols).toEqual(['NVDA']);
    expect(config.influx!.token).toBe('***');
    expect(config.grafana!.token).toBe('***');
    expect(config.postgres!.url).toBe('postgres://app:***@db:5432/stocks');
    for (const secret of ['influx-secret-456', 'pg-secret-789', 'glsa_file_secret_123']) {
      expect(stdout + stderr).not.toContain(secret);
    }
  });

  it('shows human YAML without --json, and --path names the file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.stockstreamrc.json'), JSON.stringify({ kafka: { partitions: 7 } }));
    const human = await runCli(['config'], { cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ {2}partitions: 7$/m);
    const path = await runCli(['config', '--path'], { cwd: dir });
    expect(path.stdout.trim()).toBe(join(dir, '.stockstreamrc.json'));
  });

  it('loads a typed stockstream.config.ts (types stripped by Node)', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'stockstream.config.ts'),
      `interface Partial { symbols: string[] }\nconst config: Partial = { symbols: ['AAPL', 'BRK-B'] };\nexport default config;\n`,
    );
    const { code, stdout } = await runCli(['--json', 'config'], { cwd: dir });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { symbols: string[] }).symbols).toEqual(['AAPL', 'BRK-B']);
  });

  it.each([
    [{ kafka: { brokers: ['localhost'] } }, 'kafka.brokers[0]: "localhost" is missing a port — use host:port'],
    [{ kafka: { partitions: 0 } }, 'kafka.partitions: 0 is too small'],
    [
      { source: { name: 'bloomberg' } },
      'source.name: "bloomberg" is not allowed — use one of yahoo, yahoo-stream, replay, synthetic',
    ],
    [{ windows: { allowedLateness: 'soon' } }, 'windows.allowedLateness: "soon" is not a duration'],
    [{ kafka: { broker: ['a:1'] } }, 'kafka.broker: unknown key'],
    [{ symbols: ['AAPL', '$$'] }, 'symbols[1]: "$$" is not a ticker symbol'],
  ])('a bad value %j exits 2 with one line naming the key', async (content, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'stockstream.config.json'), JSON.stringify(content));
    const { code, stderr, stdout } = await runCli(['config', '--config', join(dir, 'stockstream.config.json')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the environment variable behind a bad value and never echoes a secret', async () => {
    const bad = await runCli(['config'], { cwd: tempDir(), env: cleanEnv({ STOCKSTREAM_KAFKA_PARTITIONS: 'four' }) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('kafka.partitions: "four" is not a number (from STOCKSTREAM_KAFKA_PARTITIONS)');

    const secretUrl = await runCli(['config'], {
      cwd: tempDir(),
      env: cleanEnv({ DATABASE_URL: 'mysql://root:hunter2@db/x' }),
    });
    expect(secretUrl.code).toBe(2);
    expect(secretUrl.stderr).toContain('postgres.url: *** is not a PostgreSQL URL');
    expect(secretUrl.stderr).not.toContain('hunter2');
  });

  it('reports a missing --config file and a syntax error as config errors', async () => {
    const missing = await runCli(['config', '--config', '/nonexistent/stockstream.config.ts']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('config file not found: /nonexistent/stockstream.config.ts');
    const dir = tempDir();
    writeFileSync(join(dir, 'stockstream.config.json'), '{ "symbols": [ ');
    const broken = await runCli(['config'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/stockstream\.config\.json: unexpected end of the file/);
  });
});

describe('output conventions', () => {
  it('logs go to stderr and data to stdout; --quiet keeps stderr empty; NO_COLOR removes colours', async () => {
    const dir = tempDir();
    const normal = await runCli(['config'], { cwd: dir, env: cleanEnv({ FORCE_COLOR: '1' }) });
    expect(normal.stderr).toContain('no config file found');
    expect(normal.stderr).toContain('\u001b['); // coloured when forced
    const noColor = await runCli(['config'], { cwd: dir, env: cleanEnv({ FORCE_COLOR: '1', NO_COLOR: '1' }) });
    expect(noColor.stderr).not.toContain('\u001b[');
    const flag = await runCli(['--no-color', 'config'], { cwd: dir, env: cleanEnv({ FORCE_COLOR: '1' }) });
    expect(flag.stderr).not.toContain('\u001b[');
    const quiet = await runCli(['--quiet', 'config'], { cwd: dir });
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('symbols:');
  });

  it('--json logs are NDJSON and --log-file appends them without secrets', async () => {
    const dir = tempDir();
    const logFile = join(dir, 'stockstream.log');
    const env = cleanEnv({ INFLUX_TOKEN: 'token-in-log-test' });
    const { code, stderr } = await runCli(['--json', '--verbose', '--log-file', logFile, 'config'], { cwd: dir, env });
    expect(code).toBe(0);
    const records = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(records.map((r) => r.msg)).toContain('no config file found: defaults, environment and flags');
    const logged = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: string });
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(logFile, 'utf8')).not.toContain('token-in-log-test');
  });
});
