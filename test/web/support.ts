/**
 * Helpers of the browser tests: the built CLI running `watch --web` like a user starts it, Debian's
 * Chromium driven by playwright-core, and the screenshot folder (test/web/artifacts, gitignored).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BIN, cleanEnv } from '../support/cli.ts';

export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
/** `.ci/run` installs Debian's chromium package; CHROMIUM points elsewhere when it lives elsewhere. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface WatchWebRun {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when `predicate(stdout)` holds. */
  waitForStdout(predicate: (stdout: string) => boolean, timeoutMs: number, what: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `stockstream watch --web --port <port> …` (any free port by default) in a directory without a config (shipped defaults). */
export async function startWatchWeb(args: string[], port = '0'): Promise<WatchWebRun> {
  const child = spawn(process.execPath, [BIN, 'watch', '--web', '--port', port, ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'stockstream-web-')),
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const waitFor = async (read: () => string, predicate: (text: string) => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(read())) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`${what} did not happen; stderr:\n${stderr}\nstdout:\n${stdout.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitFor(
    () => stderr,
    (text) => /charts at http:\/\/127\.0\.0\.1:\d+\//.test(text),
    30_000,
    'the log line with the page address',
  );
  const url = /charts at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)![1]!;
  const run: WatchWebRun = {
    url,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStdout: (predicate, timeoutMs, what) => waitFor(() => stdout, predicate, timeoutMs, what),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  return run;
}

/** Console errors and uncaught page errors, collected for a final "none" assertion. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
