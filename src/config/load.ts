/**
 * Resolves the config: defaults < config file < environment < flags, validated by the one schema.
 */
import { cosmiconfig, getDefaultSearchPlaces } from 'cosmiconfig';
import type { z } from 'zod';
import { ConfigError, errorMessage } from '../errors.ts';
import { readEnv } from './env.ts';
import { isSecretPath, REDACTED } from './redact.ts';
import { configLeaves } from './schema-walk.ts';
import { configSchema, type Config } from './schema.ts';

export type ConfigInput = Record<string, unknown>;

export interface LoadConfigOptions {
  /** An explicit file (`--config`); otherwise searched upwards from `cwd`. */
  configPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, shaped like the config (`{ kafka: { brokers: [...] } }`). */
  overrides?: ConfigInput;
  /** Names the flag behind each overridden dotted path, for error messages. */
  overrideOrigins?: Record<string, string>;
}

export interface LoadedConfig {
  config: Config;
  /** The config file used, if any. */
  filepath: string | undefined;
}

const MODULE_NAME = 'stockstream';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars replace. */
export function deepMerge(base: ConfigInput, patch: ConfigInput): ConfigInput {
  const out: ConfigInput = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function setDeep(target: ConfigInput, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as ConfigInput;
  }
  node[path[path.length - 1]!] = value;
}

async function readConfigFile(options: LoadConfigOptions): Promise<{ input: ConfigInput; filepath: string | undefined }> {
  const searchPlaces = [...getDefaultSearchPlaces(MODULE_NAME), `${MODULE_NAME}.config.mts`, `${MODULE_NAME}.config.json`];
  const explorer = cosmiconfig(MODULE_NAME, { cache: false, searchPlaces });
  let result;
  try {
    result = options.configPath ? await explorer.load(options.configPath) : await explorer.search(options.cwd ?? process.cwd());
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(`config file not found: ${options.configPath}`, 'check the --config path, or leave it out to search for stockstream.config.ts');
    }
    const where = options.configPath ?? 'config file';
    throw new ConfigError(`cannot read ${where}: ${errorMessage(error).split('\n')[0]}`, 'fix the syntax error in the file');
  }
  if (!result || result.isEmpty) return { input: {}, filepath: result?.filepath };
  if (!isPlainObject(result.config)) {
    throw new ConfigError(`${result.filepath} must export an object`, 'use `export default defineConfig({ ... })`');
  }
  return { input: result.config, filepath: result.filepath };
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(config)';
}

function formatValue(dotted: string, value: unknown): string {
  if (isSecretPath(dotted)) return REDACTED;
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Turns a zod issue into `kafka.brokers[0]: "localhost" is missing a port — use host:port`. */
function describeIssue(issue: z.core.$ZodIssue & { input?: unknown }): string {
  const dotted = formatPath(issue.path).replace(/\[\d+\]/g, '');
  const value = formatValue(dotted, issue.input);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `is required — set it to a ${issue.expected}`;
      return `${value} is not a ${issue.expected === 'int' ? 'whole number' : issue.expected}`;
    case 'too_small': {
      if (issue.origin === 'array') return `${value} needs at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === 'string') return `${value} is too short — use at least ${String(issue.minimum)} character(s)`;
      return `${value} is too small — use a number ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    }
    case 'too_big': {
      if (issue.origin === 'array') return `${value} has too many items — use at most ${String(issue.maximum)}`;
      return `${value} is too large — use a number ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    }
    case 'invalid_value':
      return `${value} is not allowed — use one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_union':
      if (issue.errors.length === 0) {
        return `${value} has no valid "type" — use one of price-change, volume-spike, volatility, ma-crossover`;
      }
      return `${value} does not match any allowed shape`;
    case 'invalid_format':
      if (/^[a-z]/.test(issue.message)) return `${value} ${issue.message}`;
      return `${value} is not a valid ${issue.format === 'regex' ? 'value' : issue.format}`;
    default:
      return /^[a-z]/.test(issue.message) ? `${value} ${issue.message}` : `${value}: ${issue.message}`;
  }
}

/** Unknown keys are almost always typos; zod would silently drop them. */
function findUnknownKey(input: ConfigInput): string | undefined {
  const known = new Set<string>();
  for (const leaf of configLeaves()) {
    for (let i = 1; i <= leaf.path.length; i++) known.add(leaf.path.slice(0, i).join('.'));
  }
  const openLeaves = new Set(configLeaves().map((leaf) => leaf.path.join('.')));
  const visit = (node: ConfigInput, prefix: string): string | undefined => {
    for (const [key, value] of Object.entries(node)) {
      const dotted = prefix ? `${prefix}.${key}` : key;
      if (!known.has(dotted)) return dotted;
      if (isPlainObject(value) && !openLeaves.has(dotted)) {
        const found = visit(value, dotted);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(input, '');
}

function suggestKey(unknown: string): string {
  const parent = unknown.split('.').slice(0, -1);
  const siblings = new Set<string>();
  for (const { path } of configLeaves()) {
    if (path.length > parent.length && parent.every((key, i) => path[i] === key)) siblings.add(path[parent.length]!);
  }
  return [...siblings].join(', ');
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const { input: fileInput, filepath } = await readConfigFile(options);
  const origins = new Map<string, string>();
  const fileLabel = filepath ? `in ${filepath.split('/').pop()}` : 'in the config';

  const unknownInFile = findUnknownKey(fileInput);
  if (unknownInFile) {
    throw new ConfigError(`${unknownInFile}: unknown key ${fileLabel}`, `check the spelling; allowed here: ${suggestKey(unknownInFile)}`);
  }

  let merged: ConfigInput = fileInput;
  const envInput: ConfigInput = {};
  for (const { path, variable, value } of readEnv(options.env ?? process.env)) {
    setDeep(envInput, path, value);
    origins.set(path.join('.'), `from ${variable}`);
  }
  merged = deepMerge(merged, envInput);
  if (options.overrides) {
    merged = deepMerge(merged, options.overrides);
    for (const [dotted, flag] of Object.entries(options.overrideOrigins ?? {})) origins.set(dotted, `from ${flag}`);
  }

  const parsed = configSchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) {
    const [first, ...rest] = parsed.error.issues;
    const issue = first!;
    const keyPath = formatPath(issue.path);
    const dotted = issue.path.filter((part) => typeof part === 'string').join('.');
    const origin = [...origins.entries()].find(([path]) => dotted === path || dotted.startsWith(`${path}.`))?.[1] ?? fileLabel;
    const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    throw new ConfigError(`${keyPath}: ${describeIssue(issue)} (${origin})${more}`);
  }
  return { config: parsed.data, filepath };
}
