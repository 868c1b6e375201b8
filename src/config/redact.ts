import type { Config, UserConfig } from './schema.ts';
import { secretPaths } from './schema-walk.ts';

import { REDACTED } from './redacted.ts';

export { REDACTED };

function getPath(obj: unknown, path: string[]): unknown {
  let node: unknown = obj;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let node: Record<string, unknown> = obj;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') return;
    node = next as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Replaces the password of a connection URL, keeping the rest readable. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):([^@]*)@/i, `$1:${REDACTED}@`);
}

function urlPassword(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@]*)@/i.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

function isUrlPath(path: string): boolean {
  return path.endsWith('.url');
}

/**
 * The config as a config file would say it (durations as written), with every secret reading `***`
 * (a URL keeps all but its password): what `stockstream config` prints.
 */
export function redactConfig(config: Config): UserConfig {
  // Through JSON: a copy in which each Duration is its text again.
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  for (const dotted of secretPaths()) {
    const path = dotted.split('.');
    const value = getPath(copy, path);
    if (typeof value !== 'string' || value === '') continue;
    setPath(copy, path, isUrlPath(dotted) ? redactUrl(value) : REDACTED);
  }
  return copy as UserConfig;
}

/**
 * The secret strings in a config, so the logger can scrub them from any line it writes. A URL's
 * password is listed in its `:password@` form only: dev passwords are often plain words (the
 * docker-compose one is "stockstream") that must not vanish from every other sentence.
 */
export function secretValues(config: Config): string[] {
  const values: string[] = [];
  for (const dotted of secretPaths()) {
    const value = getPath(config, dotted.split('.'));
    if (typeof value !== 'string' || value === '') continue;
    if (isUrlPath(dotted)) {
      const password = urlPassword(value);
      if (password) values.push(`:${password}@`, `:${encodeURIComponent(password)}@`);
    } else if (value.length >= 3) {
      values.push(value);
    }
  }
  return [...new Set(values)];
}

/** Whether a dotted path (or a path inside it) holds a secret. */
export function isSecretPath(dotted: string): boolean {
  return secretPaths().some((secret) => dotted === secret || dotted.startsWith(`${secret}.`));
}
