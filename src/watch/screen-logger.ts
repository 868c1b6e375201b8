/**
 * While the full-screen table owns the terminal, a log line on stderr would tear through it. This
 * logger shows the latest message in the table's status line instead and keeps warnings and errors,
 * which `release` writes through the real logger once the main screen is back — nothing is lost.
 */
import { REDACTED } from '../config/redact.ts';
import type { LogFields, Logger, LogLevel } from '../ui/logger.ts';

export interface ScreenLogger extends Logger {
  /** Writes the kept warnings and errors to the real logger; later messages go straight to it. */
  release(): void;
}

const KEPT_MAX = 200;

/** `secrets` are the config's secret values (the real logger scrubs them; the status line must too). */
export function createScreenLogger(
  base: Logger,
  show: (text: string) => void,
  secrets: readonly string[] = [],
): ScreenLogger {
  let held = true;
  const hidden = secrets.filter((value) => value !== '');
  const scrub = (text: string) => hidden.reduce((out, secret) => out.split(secret).join(REDACTED), text);
  const kept: Array<{ level: 'warn' | 'error'; message: string; fields?: LogFields }> = [];

  const capture = (level: LogLevel, message: string, fields?: LogFields) => {
    if (!held) {
      base[level](message, fields);
      return;
    }
    if (!base.enabled(level)) return;
    if (level === 'debug') return;
    show(scrub(message));
    if (level === 'warn' || level === 'error') {
      kept.push({ level, message, fields });
      if (kept.length > KEPT_MAX) kept.shift();
    }
  };

  return {
    get json() {
      return base.json;
    },
    get quiet() {
      return base.quiet;
    },
    debug: (message, fields) => capture('debug', message, fields),
    info: (message, fields) => capture('info', message, fields),
    success: (message, fields) => capture('info', message, fields),
    warn: (message, fields) => capture('warn', message, fields),
    error: (message, fields) => capture('error', message, fields),
    enabled: (level) => base.enabled(level),
    addSecrets: (values) => {
      hidden.push(...values.filter((value) => value !== ''));
      base.addSecrets(values);
    },
    setFile: (path) => base.setFile(path),
    setLevel: (level) => base.setLevel(level),
    release() {
      held = false;
      for (const { level, message, fields } of kept.splice(0)) base[level](message, fields);
    },
  };
}
