/** The built CLI as a running child process whose output can be watched while a fault is injected. */
import { spawn } from 'node:child_process';
import { BIN, cleanEnv } from '../../support/cli.ts';
import { waitFor, type Exit } from '../../consume/support/consumer-process.ts';

export interface CliProcess {
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** Sends the signal to the process (nothing once it exited). */
  kill(signal: NodeJS.Signals): void;
  /** Waits until stderr matches (the command reached that point), failing early if it exited. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    async waitForStderr(pattern, timeoutMs = 30_000) {
      await waitFor(
        () => {
          if (pattern.test(stderr)) return true;
          if (child.exitCode !== null)
            throw new Error(
              `stockstream ${args.join(' ')} exited ${child.exitCode} before printing ${pattern}:\n${stderr}`,
            );
          return undefined;
        },
        `stderr to match ${pattern}`,
        timeoutMs,
        () => stderr,
      );
    },
  };
}
