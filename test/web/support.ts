/**
 * Helpers of the browser tests: the built CLI running `watch --web` like a user starts it, Debian's
 * Chromium driven by playwright-core, and the screenshot folder (test/web/artifacts, gitignored).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCli } from '../support/cli.ts';
import type { RunningProcess } from '../support/process.ts';

export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
/** `.ci/run` installs Debian's chromium package; CHROMIUM points elsewhere when it lives elsewhere. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface WatchWebRun extends RunningProcess {
  /** The page address watch printed. */
  url: string;
}

/** Starts `stockstream watch --web --port <port> …` (any free port by default) in a directory without a config (shipped defaults). */
export async function startWatchWeb(args: string[], port = '0'): Promise<WatchWebRun> {
  const run = startCli(['watch', '--web', '--port', port, ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'stockstream-web-')),
  });
  const address = /charts at (http:\/\/127\.0\.0\.1:\d+\/)/;
  await run.waitForStderr(address, 'the log line with the page address');
  return { ...run, url: address.exec(run.stderr())![1]! };
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
