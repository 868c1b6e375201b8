/**
 * A child process whose output tests watch while it runs: spawn, capture stdout and stderr, wait for
 * a line, signal it, await its exit. Every test that starts a process goes through here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from './wait.ts';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type OutputCheck = RegExp | ((text: string) => boolean);

export interface RunningProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exited and its output streams closed. */
  readonly exited: Promise<Exit>;
  /** Sends the signal (nothing once it exited). */
  kill(signal?: NodeJS.Signals): void;
  /** Sends the signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
  /** Waits until stdout matches, failing early (with both outputs) if the process exits first. */
  waitForStdout(check: OutputCheck, what: string, timeoutMs?: number): Promise<void>;
  /** Waits until stderr matches, failing early (with both outputs) if the process exits first. */
  waitForStderr(check: OutputCheck, what: string, timeoutMs?: number): Promise<void>;
}

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to stdin, which is then closed; without it (and `keepStdin`) stdin is /dev/null. */
  input?: string;
  /** stdin stays an open pipe the test writes to (`child.stdin`): keys typed into a terminal. */
  keepStdin?: boolean;
  /** Its own process group, so `process.kill(-pid)` reaches what it starts (a shell pipeline). */
  detached?: boolean;
}

export function startProcess(command: string, args: string[], options: ProcessOptions = {}): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: options.detached,
    stdio: [options.input === undefined && !options.keepStdin ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (options.input !== undefined) child.stdin!.end(options.input);
  const exited = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const outputs = () => `stderr:\n${stderr.slice(-4_000)}\nstdout:\n${stdout.slice(-2_000)}`;
  const waitForOutput = (read: () => string, check: OutputCheck, what: string, timeoutMs = 30_000) =>
    waitFor(
      async () => {
        const matches = () => (typeof check === 'function' ? check(read()) : check.test(read()));
        if (matches()) return true;
        if (running()) return undefined;
        const exit = await exited; // its last output may still have been in the pipe
        if (matches()) return true;
        throw new Error(
          `${command} ${args.join(' ')} exited (${exit.code ?? exit.signal}) before ${what}:\n${outputs()}`,
        );
      },
      what,
      timeoutMs,
      outputs,
    ).then(() => undefined);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill(signal = 'SIGTERM') {
      if (running()) child.kill(signal);
    },
    stop(signal = 'SIGTERM') {
      if (running()) child.kill(signal);
      return exited;
    },
    waitForStdout: (check, what, timeoutMs) => waitForOutput(() => stdout, check, what, timeoutMs),
    waitForStderr: (check, what, timeoutMs) => waitForOutput(() => stderr, check, what, timeoutMs),
  };
}

/** A port nothing listens on right now (the OS picks it), for a server a test starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
