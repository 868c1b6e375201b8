/**
 * The README's first copy-paste block, as written, on a fresh clone: the test clones this
 * repository into a temp dir, takes the first ```sh block of the clone's README.md (so the README
 * and this test cannot drift apart) and runs it with bash, the way a new user pastes it. The block
 * ends in a live `watch`, which runs until Ctrl-C: once every symbol has printed, the test sends
 * SIGINT to the whole process group, as a terminal's Ctrl-C does, and expects a clean exit 0.
 * With the machine's old Node first on the PATH the same block must end in the launcher's one-line
 * version message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanEnv } from '../support/cli.ts';
import { startProcess } from '../support/process.ts';
import { OLD_NODE, oldNodeIsTooOld, oldNodeVersion } from '../support/old-node.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The fenced ```sh blocks of a Markdown text, in order. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` with bash in its own process group; interrupts the group once `done(stdout)` holds. */
async function runUntil(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  done: (stdout: string) => boolean,
): Promise<Run> {
  const shell = startProcess('bash', ['-e', '-c', script], { cwd, env, detached: true });
  // Until it ends by itself (then the caller's assertions say what was missing), within the test's timeout.
  void shell.waitForStdout(done, 'the script to print what it must', 600_000).then(
    () => process.kill(-shell.child.pid!, 'SIGINT'),
    () => undefined,
  );
  const exit = await shell.exited;
  return { ...exit, stdout: shell.stdout(), stderr: shell.stderr() };
}

function freshClone(): string {
  const clone = join(mkdtempSync(join(tmpdir(), 'stockstream-clone-')), 'stockstream');
  execFileSync('git', ['clone', '--quiet', REPO, clone]);
  return clone;
}

/** The user's environment with `nodeDir` first on the PATH, and npm ci served from the local npm cache. */
function userEnv(nodeDir: string): NodeJS.ProcessEnv {
  return cleanEnv({
    PATH: `${nodeDir}${delimiter}${process.env.PATH ?? ''}`,
    // npm ci takes the packages from the local npm cache when it has them (no registry round trips).
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });
}

describe('README quick start on a fresh clone', () => {
  const clone = freshClone();
  const blocks = shellBlocks(readFileSync(join(clone, 'README.md'), 'utf8'));

  it('has exactly two copy-paste blocks before the first section: set up + run, and the tests', () => {
    const top = readFileSync(join(clone, 'README.md'), 'utf8').split(/^## /m)[0]!;
    const topBlocks = shellBlocks(top);
    expect(topBlocks).toHaveLength(2);
    expect(topBlocks[0]).toMatch(/^npm ci$/m);
    expect(topBlocks[1]).toMatch(/^npm test$/m);
    expect(top.indexOf('Node.js 24')).toBeLessThan(top.indexOf('```sh'));
    expect(top).not.toMatch(/^npx /m);
  });

  it(
    'runs the first block as written: installs, builds and shows every symbol of the synthetic market',
    async () => {
      const symbols = blocks[0]!
        .match(/watch --source synthetic ([A-Z ]+)$/m)![1]!
        .trim()
        .split(' ');
      expect(symbols.length).toBeGreaterThan(0);
      // The Node running this test (24) first on the PATH, as on a user's machine with Node 24.
      const env = userEnv(dirname(process.execPath));
      const everySymbolShown = (stdout: string) =>
        symbols.every((symbol) => new RegExp(`^tick +${symbol} `, 'm').test(stdout));
      const result = await runUntil(blocks[0]!, clone, env, everySymbolShown);

      expect(everySymbolShown(result.stdout), `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(true);
      expect(result.stderr).not.toMatch(/\berror\b|ERR!/i);
      expect(result.code).toBe(0);
    },
    // npm ci and tsc on a machine shared with other test suites.
    600_000,
  );

  it.skipIf(!oldNodeIsTooOld)(
    `on the machine's old Node (${oldNodeVersion || 'none'}), the first block ends with the one-line Node version message, exit 1`,
    async () => {
      const result = await runUntil(blocks[0]!, freshClone(), userEnv(dirname(OLD_NODE)), () => false);
      expect(result.code).toBe(1);
      const last = result.stderr.trim().split('\n').at(-1)!;
      expect(last).toMatch(/^stockstream needs Node >= 22\.18 \(24 LTS recommended\)/);
      expect(last).toContain(oldNodeVersion.slice(1));
      expect(last).toContain('install Node 24');
      expect(result.stdout).not.toMatch(/^tick /m);
    },
    600_000,
  );
});
