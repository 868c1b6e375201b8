/**
 * `stockstream completion bash|zsh|fish` and `stockstream init`, through the built CLI. The
 * completion scripts are loaded into the real shells and asked for completions the way each shell
 * asks (bash: COMP_WORDS + the completion function; zsh: the function with compadd captured; fish:
 * `complete -C`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const hasShell = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;

async function script(shell: string): Promise<string> {
  const result = await runCli(['completion', shell]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const file = join(mkdtempSync(join(tmpdir(), 'stockstream-completion-')), `completion.${shell}`);
  writeFileSync(file, result.stdout);
  return file;
}

/** What the shell offers after typing `line` (words separated by spaces; a trailing space starts a new word). */
const ask: Record<string, (file: string, line: string) => string[]> = {
  bash(file, line) {
    const words = line.split(' ');
    const program = `source '${file}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _stockstream_completion; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return spawnSync('bash', ['-c', program], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  },
  zsh(file, line) {
    const words = line.split(' ');
    // Outside a completion widget, compadd/_files/compdef do not exist: capture what would be offered.
    const program = `compdef() { :; }; _files() { print -- '<files>'; }; compadd() { [[ $1 == -a ]] && print -l -- \${(P)2}; }; source '${file}'; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _stockstream | grep -- "^\${words[CURRENT]}"`;
    return spawnSync('zsh', ['-f', '-c', program], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  },
  fish(file, line) {
    const program = `source '${file}'; complete -C '${line}'`;
    return spawnSync('fish', ['--no-config', '-c', program], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map((entry) => entry.split('\t')[0]!);
  },
};

describe.each(['bash', 'zsh', 'fish'])('stockstream completion %s', (shell) => {
  it.skipIf(!hasShell(shell))('completes commands, subcommands, options and option choices', async () => {
    const file = await script(shell);
    const offered = (line: string) => ask[shell]!(file, line);

    expect(offered('stockstream ')).toEqual(
      expect.arrayContaining(['produce', 'consume', 'info', 'watch', 'doctor', 'init', 'completion']),
    );
    const info = offered('stockstream info ');
    expect(info).toEqual(expect.arrayContaining(['sync', 'show', 'list']));
    expect(info).not.toContain('produce');
    expect(offered('stockstream migrate st')).toEqual(['status']);
    expect(offered('stockstream watch --sou')).toEqual(['--source']);
    expect(offered('stockstream watch --source ').sort()).toEqual(['replay', 'synthetic', 'yahoo', 'yahoo-stream']);
    expect(offered('stockstream info sync --to ')).not.toContain('sync');
    // The operating commands (issue 19), generated from the CLI like the rest.
    expect(offered('stockstream dlq ')).toEqual(expect.arrayContaining(['list', 'show', 'redrive']));
    expect(offered('stockstream tail --from')).toEqual(['--from-beginning']);
    expect(offered('stockstream status --wa')).toEqual(['--watch']);
    expect(offered('stockstream dlq redrive --ye')).toEqual(['--yes']);
  });
});

describe('stockstream completion', () => {
  it('names the shells it knows when given another one (exit 2)', async () => {
    const result = await runCli(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bash, zsh, fish/);
    expect(result.stdout).toBe('');
  });
});

describe('stockstream init', () => {
  it('writes a starter config that loads to the defaults and an .env.example, and never overwrites them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stockstream-init-'));
    const empty = mkdtempSync(join(tmpdir(), 'stockstream-init-empty-'));
    const first = await runCli(['init'], { cwd: dir });
    expect(first.code).toBe(0);
    const config = readFileSync(join(dir, 'stockstream.config.ts'), 'utf8');
    const env = readFileSync(join(dir, '.env.example'), 'utf8');
    expect(config).toMatch(/^ {2}symbols: \[/m);
    expect(config).toMatch(/^ {2}\/\/ kafka: \{$/m);
    expect(env).toMatch(/^# DATABASE_URL=/m);

    // The starter is found, and it says exactly what the defaults say.
    const path = await runCli(['config', '--path'], { cwd: dir });
    expect(path.stdout.trim()).toBe(join(dir, 'stockstream.config.ts'));
    const fromStarter = await runCli(['--json', 'config'], { cwd: dir });
    const fromDefaults = await runCli(['--json', 'config'], { cwd: empty });
    expect(fromStarter.code).toBe(0);
    expect(JSON.parse(fromStarter.stdout)).toEqual(JSON.parse(fromDefaults.stdout));

    writeFileSync(join(dir, 'stockstream.config.ts'), 'export default { symbols: ["IBM"] };\n');
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/not overwriting .*stockstream\.config\.ts/);
    expect(readFileSync(join(dir, 'stockstream.config.ts'), 'utf8')).toBe('export default { symbols: ["IBM"] };\n');
    expect(readFileSync(join(dir, '.env.example'), 'utf8')).toBe(env);
  });
});
