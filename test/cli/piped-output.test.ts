/**
 * Output through a pipe (issue 14 defect 4): the built CLI as a child process whose stdout is a
 * real pipe to another process, the way `stockstream … | jq` runs. Everything written must reach a
 * slow reader before the process exits, with the right exit code, and a reader that stops early
 * (`| head`) ends the process quietly with 0, as Unix tools do.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../support/cli.ts';
import { startProcess } from '../support/process.ts';

/** A replay that prints a few megabytes of NDJSON: far more than a pipe buffer (64 KiB) holds. */
function bigReplay(dir: string): string {
  const symbols = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'AMD'];
  const open = Date.UTC(2026, 2, 2, 14, 30); // 09:30 New York
  const lines: string[] = [];
  for (let second = 0; second < 5 * 3600; second += 10) {
    symbols.forEach((symbol, i) => {
      const price = Number((100 + i * 10 + Math.sin(second / 300) * 2).toFixed(2));
      lines.push(
        JSON.stringify({
          v: 1,
          symbol,
          time: open + second * 1000 + i,
          price,
          source: 'replay',
          dayVolume: 1_000_000 + second * 100,
          previousClose: 100 + i * 10,
        }),
      );
    });
  }
  const file = join(dir, 'big.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Reads stdin slowly: waits before the first read, then pauses after every chunk; prints what it got. */
const SLOW_READER = `
let text = '';
process.stdin.pause();
setTimeout(() => process.stdin.resume(), 500);
process.stdin.setEncoding('utf8').on('data', (chunk) => {
  text += chunk;
  process.stdin.pause();
  setTimeout(() => process.stdin.resume(), 2);
});
process.stdin.on('end', () => process.stdout.write(text));
`;

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
const slowReader = `${quote(process.execPath)} -e ${quote(SLOW_READER)}`;

interface Piped {
  /** Exit code of the CLI (the left side of the pipe) and of the reader. */
  codes: number[];
  stdout: string;
  stderr: string;
}

/** `bash -c 'stockstream … | reader'`: a real pipe between two processes; PIPESTATUS gives both exit codes. */
async function pipeline(cliArgs: string[], reader: string, cwd: string): Promise<Piped> {
  const script = `${[process.execPath, BIN, ...cliArgs].map(quote).join(' ')} 2>"$CLI_STDERR" | ${reader}; echo "\${PIPESTATUS[*]}" >"$CODES"`;
  const files = { CLI_STDERR: join(cwd, 'cli.stderr'), CODES: join(cwd, 'codes') };
  const shell = startProcess('bash', ['-c', script], { cwd, env: cleanEnv(files) });
  await shell.exited;
  return {
    codes: readFileSync(files.CODES, 'utf8').trim().split(' ').map(Number),
    stdout: shell.stdout(),
    stderr: readFileSync(files.CLI_STDERR, 'utf8'),
  };
}

describe('piped output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stockstream-pipe-'));
  const file = bigReplay(dir);
  const args = ['--json', 'watch', '--file', file, '--speed', '0'];

  it('reaches a slow reader in full: every bar, indicator and alert, each symbol’s final state, no line cut, exit 0', async () => {
    // The same run into a file (written synchronously) is the reference for what a pipe must carry.
    const reference = await pipeline(args, `cat >${quote(join(dir, 'reference.ndjson'))}`, dir);
    expect(reference.codes).toEqual([0, 0]);
    const expected = readFileSync(join(dir, 'reference.ndjson'), 'utf8');
    expect(expected.length).toBeGreaterThan(1_000_000);

    const slow = await pipeline(args, slowReader, dir);
    expect(slow.stderr).toBe('');
    expect(slow.codes).toEqual([0, 0]);
    // Every line whole (the bug cut the last one mid-JSON)…
    const lines = slow.stdout.split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => JSON.parse(line) as { kind: string; symbol: string });
    // …the bars, indicators and alerts byte for byte; tick summaries are throttled by the wall
    // clock (one per symbol per second), so only each symbol's final one is the same in both runs.
    const steady = (text: string) => text.split('\n').filter((line) => line && !line.includes('"kind":"tick-summary"'));
    expect(steady(slow.stdout)).toEqual(steady(expected));
    const finalSummaries = (text: string) => {
      const last = new Map<string, string>();
      for (const line of text.split('\n'))
        if (line.includes('"kind":"tick-summary"')) last.set((JSON.parse(line) as { symbol: string }).symbol, line);
      return last;
    };
    expect(finalSummaries(slow.stdout)).toEqual(finalSummaries(expected));
    expect(records.at(-1)!.kind).toBe('tick-summary');
  });

  it('keeps a failing run’s exit code and its error line when the output is piped', async () => {
    const slow = await pipeline(
      ['--json', 'watch', '--file', join(dir, 'missing.ndjson'), '--speed', '0'],
      slowReader,
      dir,
    );
    expect(slow.codes[0]).not.toBe(0);
    expect(slow.stderr).toMatch(/missing\.ndjson/);
    expect(slow.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('ends quietly with exit 0 when the reader stops early (| head)', async () => {
    const head = await pipeline(args, 'head -n 3', dir);
    expect(head.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(head.stderr).toBe('');
    expect(head.codes).toEqual([0, 0]);
  });
});
