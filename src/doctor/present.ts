/** How a check reads on a terminal — `✔`/`⚠`/`✖`, the service, what was found and the fix — shared by `doctor` and `status`. */
import chalk from 'chalk';
import type { CheckResult } from './checks.ts';

export function checkLine(result: CheckResult): string {
  const mark = result.ok ? chalk.green('✔') : result.optional ? chalk.yellow('⚠') : chalk.red('✖');
  const fix = result.ok || !result.fix ? '' : `\n    ${chalk.gray('→')} ${result.fix}`;
  return `${mark} ${chalk.bold(result.service.padEnd(13))} ${result.detail}${fix}`;
}

/** Failing checks that are not optional: what makes `doctor` and `status` exit 1. */
export function failures(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => !r.ok && !r.optional);
}
