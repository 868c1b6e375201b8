/**
 * Logs go to stderr (data goes to stdout): coloured lines for people, NDJSON with --json,
 * warnings and errors only with --quiet, and optionally appended to a file. Secret values
 * registered with `addSecrets` are scrubbed from every line.
 */
import { appendFileSync } from 'node:fs';
import chalk from 'chalk';
import { REDACTED } from '../config/redacted.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  json?: boolean;
  quiet?: boolean;
  file?: string;
  stream?: NodeJS.WritableStream;
}

export interface Logger {
  readonly json: boolean;
  readonly quiet: boolean;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  success(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  enabled(level: LogLevel): boolean;
  addSecrets(values: readonly string[]): void;
  setFile(path: string | undefined): void;
  setLevel(level: LogLevel): void;
}

const PREFIX = {
  debug: () => chalk.gray('debug'),
  info: () => chalk.cyan('info '),
  success: () => chalk.green('✔'),
  warn: () => chalk.yellow('warn '),
  error: () => chalk.red('error'),
};

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? ` ${chalk.gray(parts.join(' '))}` : '';
}

export function createLogger(options: LoggerOptions = {}): Logger {
  let level: LogLevel = options.quiet ? 'warn' : (options.level ?? 'info');
  const json = options.json ?? false;
  const stream = options.stream ?? process.stderr;
  let file = options.file;
  const secrets: string[] = [];

  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) {
      const isUrlPassword = secret.startsWith(':') && secret.endsWith('@');
      out = out.split(secret).join(isUrlPassword ? `:${REDACTED}@` : REDACTED);
    }
    return out;
  };

  const write = (lvl: LogLevel, kind: keyof typeof PREFIX, message: string, fields?: LogFields) => {
    const enabled = LEVEL_RANK[lvl] >= LEVEL_RANK[level];
    if (!enabled && !file) return;
    const time = new Date().toISOString();
    const record = JSON.stringify({ time, level: lvl, msg: message, ...fields });
    if (enabled) {
      stream.write(scrub(json ? record : `${PREFIX[kind]()} ${message}${formatFields(fields)}`) + '\n');
    }
    if (file) {
      try {
        appendFileSync(file, scrub(record) + '\n');
      } catch (error) {
        const target = file;
        file = undefined; // report once, then keep running without the file
        stream.write(`${PREFIX.warn()} cannot write log file ${target}: ${(error as Error).message}\n`);
      }
    }
  };

  return {
    json,
    quiet: options.quiet ?? false,
    debug: (m, f) => write('debug', 'debug', m, f),
    info: (m, f) => write('info', 'info', m, f),
    success: (m, f) => write('info', 'success', m, f),
    warn: (m, f) => write('warn', 'warn', m, f),
    error: (m, f) => write('error', 'error', m, f),
    enabled: (lvl) => LEVEL_RANK[lvl] >= LEVEL_RANK[level],
    addSecrets: (values) => {
      for (const value of values) if (value && !secrets.includes(value)) secrets.push(value);
      secrets.sort((a, b) => b.length - a.length);
    },
    setFile: (path) => {
      file = path;
    },
    setLevel: (next) => {
      if (!options.quiet) level = next;
    },
  };
}
