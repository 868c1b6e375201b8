/** The launcher and the global options, run as a child process the way users do. */
import { spawnSync } from 'node:child_process';
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
});
