/**
 * A status line for long steps: an ora spinner on an interactive terminal, and nothing at all in
 * --json/--quiet mode or when stderr is not a TTY (cron, CI, pipes), where the caller's log lines
 * are the record.
 */
import type { Logger } from './logger.ts';

export interface Spinner {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

const SILENT: Spinner = { update() {}, succeed() {}, fail() {}, stop() {} };

export function spinnersAllowed(logger: Logger): boolean {
  return Boolean(process.stderr.isTTY) && !logger.json && !logger.quiet && !process.env.CI;
}

export async function startSpinner(logger: Logger, text: string): Promise<Spinner> {
  if (!spinnersAllowed(logger)) return SILENT;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    succeed: (next) => spinner.succeed(next),
    fail: (next) => spinner.fail(next),
    stop: () => spinner.stop(),
  };
}
