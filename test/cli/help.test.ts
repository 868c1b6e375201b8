import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const COMMANDS = ['produce', 'consume', 'info', 'migrate', 'dashboards', 'watch', 'config', 'doctor'];
const LEAF_COMMANDS = [
  ['produce'],
  ['consume'],
  ['info', 'sync'],
  ['info', 'show'],
  ['info', 'list'],
  ['migrate', 'up'],
  ['migrate', 'status'],
  ['dashboards', 'generate'],
  ['dashboards', 'push'],
  ['watch'],
  ['config'],
  ['doctor'],
];

describe('stockstream --help', () => {
  it('lists every command and the global flags, and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    const listed = [...stdout.matchAll(/^ {2}(\w+)\b/gm)].map((m) => m[1]);
    for (const command of COMMANDS) expect(listed).toContain(command);
    for (const flag of ['--config', '--verbose', '--quiet', '--json', '--no-color', '--log-file'])
      expect(stdout).toContain(flag);
  });

  it.each(LEAF_COMMANDS)('%s %s has a description and runnable examples', async (...path) => {
    const { code, stdout } = await runCli([...path, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: stockstream ${path.join(' ')}`, 'm'));
    const examples = stdout.split('Examples:')[1] ?? '';
    const lines = examples.split('\n').filter((line) => line.trim().startsWith('$ '));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toContain(path.join(' '));
  });

  it('prints the version, the Node version and the platform', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(stdout.trim()).toBe(`stockstream ${version} (Node ${process.version}, ${process.platform}-${process.arch})`);
  });
});

describe('usage errors exit 2 with one line', () => {
  it.each([
    [['nosuch'], /unknown command 'nosuch'/],
    [['produce', '--nosuch'], /unknown option '--nosuch'/],
    [['produce', '--source', 'carrier-pigeon'], /carrier-pigeon.*Allowed choices/i],
    [['info', 'show'], /missing required argument 'symbol'/],
    [['doctor', '--timeout', 'soon'], /--timeout: "soon" is not a duration/],
  ])('stockstream %j', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a command group without its subcommand shows its help and exits 2', async () => {
    const { code, stdout } = await runCli(['migrate']);
    expect(code).toBe(2);
    expect(stdout).toContain('Usage: stockstream migrate');
  });
});
