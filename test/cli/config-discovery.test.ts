/** Where the config comes from and how its problems are reported (issue 16, "Configuration"). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../support/cli.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'stockstream-discovery-'));
}

describe('config discovery', () => {
  it('searches upwards from a subfolder to the project root, and config --path says which file won', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'stockstream.config.json'), JSON.stringify({ kafka: { partitions: 7 } }));
    const sub = join(root, 'deploy', 'scripts');
    mkdirSync(sub, { recursive: true });
    const path = await runCli(['config', '--path'], { cwd: sub });
    expect(path.code).toBe(0);
    expect(path.stdout.trim()).toBe(join(root, 'stockstream.config.json'));
    const config = await runCli(['--json', 'config'], { cwd: sub });
    expect((JSON.parse(config.stdout) as { kafka: { partitions: number } }).kafka.partitions).toBe(7);
  });

  it('does not search above the project root (the folder with package.json)', async () => {
    const outer = tempDir();
    writeFileSync(join(outer, 'stockstream.config.json'), JSON.stringify({ kafka: { partitions: 7 } }));
    const project = join(outer, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{}');
    const path = await runCli(['--json', 'config', '--path'], { cwd: project });
    expect(JSON.parse(path.stdout)).toEqual({ file: null });
  });

  it('STOCKSTREAM_CONFIG names the file; --config wins over it', async () => {
    const dir = tempDir();
    const fromEnv = join(dir, 'env.config.json');
    const fromFlag = join(dir, 'flag.config.json');
    writeFileSync(fromEnv, JSON.stringify({ kafka: { partitions: 5 } }));
    writeFileSync(fromFlag, JSON.stringify({ kafka: { partitions: 6 } }));
    const env = cleanEnv({ STOCKSTREAM_CONFIG: fromEnv });
    expect((await runCli(['config', '--path'], { cwd: tempDir(), env })).stdout.trim()).toBe(fromEnv);
    expect((await runCli(['--config', fromFlag, 'config', '--path'], { cwd: tempDir(), env })).stdout.trim()).toBe(
      fromFlag,
    );
    const missing = await runCli(['config'], {
      cwd: tempDir(),
      env: cleanEnv({ STOCKSTREAM_CONFIG: join(dir, 'nope.json') }),
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('STOCKSTREAM_CONFIG');
  });
});

describe('config problems', () => {
  const cases = [
    {
      file: 'stockstream.config.json',
      text: '{\n  "symbols": ["AAPL",\n  "kafka": 1\n}\n',
      where: /stockstream\.config\.json:3:10: Expected ',' or ']'/,
    },
    {
      file: '.stockstreamrc.yaml',
      text: 'symbols:\n  - AAPL\n kafka: [1\n',
      where: /\.stockstreamrc\.yaml:3:2: bad indentation/,
    },
    {
      file: 'stockstream.config.ts',
      text: "export default {\n  symbols: ['AAPL'],\n  kafka: { brokers: [ },\n};\n",
      where: /stockstream\.config\.ts:3: Expression expected/,
    },
  ];
  for (const { file, text, where } of cases) {
    it(`a syntax error in ${file} keeps its reason and position (exit 2, one line)`, async () => {
      const dir = tempDir();
      writeFileSync(join(dir, file), text);
      const result = await runCli(['config'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(where);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('reports every problem at once, each with its key path and where it came from', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'stockstream.config.json'),
      JSON.stringify({ kafka: { brokers: ['localhost'], partitons: 3 }, source: { name: 'bloomberg' } }),
    );
    const result = await runCli(['config'], { cwd: dir, env: cleanEnv({ STOCKSTREAM_SINKS_BATCH_SIZE: 'many' }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/4 config problems/);
    expect(result.stderr).toMatch(/kafka\.partitons: unknown key .*did you mean partitions\?/);
    expect(result.stderr).toMatch(/kafka\.brokers\[0\]: /);
    expect(result.stderr).toMatch(/source\.name: "bloomberg" is not allowed/);
    expect(result.stderr).toMatch(/sinks\.batchSize: .*from STOCKSTREAM_SINKS_BATCH_SIZE/);
  });

  it('warns about an unknown STOCKSTREAM_* variable with a "did you mean", and still runs', async () => {
    const result = await runCli(['config', '--path'], {
      cwd: tempDir(),
      env: cleanEnv({ STOCKSTREAM_KAFKA_BROKER: 'b:9092' }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /STOCKSTREAM_KAFKA_BROKER is not a StockStream setting .*did you mean STOCKSTREAM_KAFKA_BROKERS\?/,
    );
  });

  it("a config importing defineConfig from 'stockstream' outside the repo gets the right hint", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'stockstream.config.ts'),
      "import { defineConfig } from 'stockstream';\nexport default defineConfig({ symbols: ['AAPL'] });\n",
    );
    const result = await runCli(['config'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/imports 'stockstream', which is not installed here/);
    expect(result.stderr).toMatch(/export default \{/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
