/**
 * Helpers of the watch tests: the CLI in a pseudo-terminal (Python's pty module; no npm dependency),
 * the screen rebuilt from what was written to it, and expectations computed straight from a replay
 * fixture with textbook arithmetic (not through the window pipeline).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { BIN, cleanEnv } from '../support/cli.ts';
import { startProcess } from '../support/process.ts';
import { waitFor } from '../support/wait.ts';

export const FIXTURE = fileURLToPath(new URL('./fixtures/session.ndjson', import.meta.url));

/** A directory without a stockstream config, so the CLI runs on defaults like a new user's would. */
export function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), 'stockstream-watch-'));
}

// The child gets the pty as its terminal with a fixed size; the parent copies the pty's output to
// stdout and its own stdin (keys from the test) to the pty, then reports the child's exit code and
// whether the terminal modes (canonical input, echo) were restored, on stderr.
const PTY_DRIVER = `
import fcntl, os, pty, select, struct, sys, termios
rows, cols = int(sys.argv[1]), int(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    os.execvp(sys.argv[3], sys.argv[3:])
sys.stderr.write('PTY pid=%d\\n' % pid)
sys.stderr.flush()
keys_open = True
while True:
    watched = [fd] + ([0] if keys_open else [])
    ready, _, _ = select.select(watched, [], [])
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        keys = os.read(0, 1024)
        if keys:
            os.write(fd, keys)
        else:
            keys_open = False
_, status = os.waitpid(pid, 0)
lflag = termios.tcgetattr(fd)[3]
sys.stderr.write('PTY icanon=%d echo=%d\\n' % (bool(lflag & termios.ICANON), bool(lflag & termios.ECHO)))
sys.exit(os.waitstatus_to_exitcode(status))
`;

export interface PtyRun {
  /** Everything written to the terminal so far. */
  output(): string;
  /** Types into the terminal. */
  type(keys: string): void;
  /** Sends a signal to the CLI (the pty's child, whose pid the driver reports). */
  signal(name: NodeJS.Signals): void;
  /** Resolves when `predicate(output)` holds; rejects with the screen after `timeoutMs`. */
  waitFor(predicate: (output: string) => boolean, what: string, timeoutMs: number): Promise<void>;
  exit: Promise<{ code: number | null; stderr: string; modesRestored: boolean }>;
}

export function runInPty(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; rows?: number; cols?: number } = {},
): PtyRun {
  const env = { ...cleanEnv({ TERM: 'xterm-256color' }), ...options.env };
  // A person's terminal: chalk turns colours off whenever CI is set, even on a TTY.
  delete env.CI;
  const driver = startProcess(
    'python3',
    ['-c', PTY_DRIVER, String(options.rows ?? 30), String(options.cols ?? 140), process.execPath, BIN, ...args],
    { cwd: options.cwd ?? emptyDir(), env, keepStdin: true },
  );
  const killer = setTimeout(() => driver.kill('SIGKILL'), 60_000);
  const exit = driver.exited.then(({ code }) => {
    clearTimeout(killer);
    const stderr = driver.stderr();
    return { code, stderr, modesRestored: /PTY icanon=1 echo=1/.test(stderr) };
  });
  return {
    output: () => driver.stdout(),
    type: (keys) => driver.child.stdin!.write(keys),
    signal(name) {
      const pid = /PTY pid=(\d+)/.exec(driver.stderr())?.[1];
      if (pid === undefined) throw new Error('the pty driver has not reported the CLI pid yet');
      process.kill(Number(pid), name);
    },
    waitFor: (predicate, what, timeoutMs) =>
      waitFor(
        () => predicate(driver.stdout()),
        what,
        timeoutMs,
        () => `screen:\n${screenText(driver.stdout()).join('\n')}\nstderr: ${driver.stderr()}`,
      ).then(() => undefined),
    exit,
  };
}

/**
 * The screen as the CLI last drew it: every line is written as "move to row r, column 1", the
 * text, "clear to end of line"; colours are stripped.
 */
export function screenText(output: string): string[] {
  const rows: string[] = [];
  const line = /\u001b\[(\d+);1H(.*?)\u001b\[K/gs;
  for (let match = line.exec(output); match; match = line.exec(output))
    rows[Number(match[1]) - 1] = stripVTControlCharacters(match[2]!);
  return Array.from(rows, (row) => row ?? '');
}

/** The cells of a symbol's row (columns are separated by two or more spaces). */
export function rowCells(screen: string[], symbol: string): string[] | undefined {
  return screen
    .find((line) => line.startsWith(`${symbol} `))
    ?.trim()
    .split(/\s{2,}/);
}

// ---------------------------------------------------------------- expectations from a fixture

export interface FixtureTick {
  symbol: string;
  time: number;
  price: number;
  dayVolume: number;
  previousClose: number;
}

export function readFixture(path = FIXTURE): FixtureTick[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FixtureTick);
}

export interface ExpectedBar {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  ticks: number;
}

export interface ExpectedSymbol {
  last: number;
  time: number;
  change: number;
  changePct: number;
  low: number;
  high: number;
  dayVolume: number;
  /** 1-minute bars in time order; the end of the input closes the last one. */
  bars: ExpectedBar[];
}

/**
 * What watch must show for these ticks (in time order, one session): the last price, the change
 * against the previous close, the day's range and volume, and 1-minute OHLC bars whose volume is
 * the growth of day volume within the bar (the first tick only sets the baseline).
 */
export function expectedFor(ticks: FixtureTick[]): Map<string, ExpectedSymbol> {
  const out = new Map<string, ExpectedSymbol>();
  const baseline = new Map<string, number>();
  for (const tick of ticks) {
    const start = Math.floor(tick.time / 60_000) * 60_000;
    let entry = out.get(tick.symbol);
    if (!entry) {
      entry = { last: 0, time: 0, change: 0, changePct: 0, low: tick.price, high: tick.price, dayVolume: 0, bars: [] };
      out.set(tick.symbol, entry);
    }
    entry.last = tick.price;
    entry.time = tick.time;
    entry.change = tick.price - tick.previousClose;
    entry.changePct = ((tick.price - tick.previousClose) / tick.previousClose) * 100;
    entry.low = Math.min(entry.low, tick.price);
    entry.high = Math.max(entry.high, tick.price);
    entry.dayVolume = tick.dayVolume;
    let bar = entry.bars.at(-1);
    if (!bar || bar.start !== start) {
      bar = { start, open: tick.price, high: tick.price, low: tick.price, close: tick.price, volume: 0, ticks: 0 };
      entry.bars.push(bar);
    }
    bar.high = Math.max(bar.high, tick.price);
    bar.low = Math.min(bar.low, tick.price);
    bar.close = tick.price;
    bar.ticks += 1;
    const before = baseline.get(tick.symbol);
    if (before !== undefined) bar.volume += tick.dayVolume - before;
    baseline.set(tick.symbol, tick.dayVolume);
  }
  return out;
}

/** Bars whose range (high − low) / low reaches `pct` percent: the `wide-bar` rule of the default config. */
export function wideBars(bars: ExpectedBar[], pct: number): ExpectedBar[] {
  return bars.filter((bar) => ((bar.high - bar.low) / bar.low) * 100 >= pct);
}

export const iso = (time: number) => new Date(time).toISOString();
