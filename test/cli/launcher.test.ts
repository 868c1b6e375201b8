/** The launcher and the global options, run as a child process the way users do. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from '../support/cli.ts';
import { OLD_NODE, oldNodeIsTooOld, oldNodeVersion } from '../support/old-node.ts';

describe('launcher', () => {
  it.skipIf(!oldNodeIsTooOld)(
    `on an old Node (${oldNodeVersion || 'none'}) says in one line what is needed, what runs and how to get it; exit 1`,
    () => {
      const result = spawnSync(OLD_NODE, [BIN, 'watch', '--source', 'synthetic', 'AAPL'], {
        encoding: 'utf8',
        env: cleanEnv(),
      });
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('>= 22.18');
      expect(lines[0]).toContain('24 LTS');
      expect(lines[0]).toContain(oldNodeVersion.slice(1));
      expect(lines[0]).toMatch(/install Node 24/);
    },
  );

  it('--verbose with --quiet is a usage error (exit 2), in one line', async () => {
    const result = await runCli(['--verbose', '--quiet', 'config']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--verbose and --quiet/);
  });

  it('starts consume again with its V8 flags, once; a flag the user gave wins; other commands start as they are', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stockstream-launcher-'));
    try {
      // Every Node process the launcher starts says which flags it runs with.
      const probe = path.join(dir, 'probe.cjs');
      writeFileSync(probe, "process.stderr.write('execArgv ' + JSON.stringify(process.execArgv) + '\\n');\n");
      const run = (nodeArgs: string[], args: string[], nodeOptions = '') => {
        const result = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], {
          encoding: 'utf8',
          env: cleanEnv({ NODE_OPTIONS: `--require ${probe} ${nodeOptions}` }),
        });
        const started = result.stderr
          .split('\n')
          .filter((line) => line.startsWith('execArgv '))
          .map((line) => JSON.parse(line.slice('execArgv '.length)) as string[]);
        return { ...result, started };
      };
      const consume = run([], ['consume', '--help']);
      expect(consume.status).toBe(0);
      expect(consume.stdout).toMatch(/Usage: stockstream consume/);
      expect(consume.started).toEqual([[], ['--max-semi-space-size=8']]);
      expect(run(['--max-semi-space-size=4'], ['consume', '--help']).started).toEqual([['--max-semi-space-size=4']]);
      expect(run([], ['consume', '--help'], '--max-semi-space-size=4').started).toEqual([[]]);
      const help = run([], ['--help']);
      expect(help.status).toBe(0);
      expect(help.started).toEqual([[]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
