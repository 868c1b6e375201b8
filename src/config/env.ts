/**
 * Environment variables: every scalar or list leaf of the schema can be set as
 * `STOCKSTREAM_<PATH>` (kafka.clientId → STOCKSTREAM_KAFKA_CLIENT_ID; lists are comma-separated),
 * plus the conventional names people already export for these services.
 */
import { closest } from '../util/closest.ts';
import { configLeaves, type ConfigLeaf } from './schema-walk.ts';

/** Conventional names; a STOCKSTREAM_* variable for the same key wins. */
export const ENV_ALIASES: Record<string, string> = {
  KAFKA_BROKERS: 'kafka.brokers',
  INFLUX_URL: 'influx.url',
  INFLUX_TOKEN: 'influx.token',
  INFLUX_ORG: 'influx.org',
  INFLUX_BUCKET: 'influx.bucket',
  DATABASE_URL: 'postgres.url',
  POSTGRES_URL: 'postgres.url',
  GRAFANA_URL: 'grafana.url',
  GRAFANA_TOKEN: 'grafana.token',
};

export function envName(path: string[]): string {
  return 'STOCKSTREAM_' + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

export interface EnvValue {
  path: string[];
  variable: string;
  value: unknown;
}

function coerce(leaf: ConfigLeaf, raw: string): unknown {
  const scalar = (type: string | undefined, text: string): unknown => {
    if (type === 'number' || type === 'integer') {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : text;
    }
    if (type === 'boolean') {
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      return text;
    }
    return text;
  };
  if (leaf.type === 'array') {
    if (leaf.itemType === 'object') return JSON.parse(raw) as unknown;
    return raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => scalar(leaf.itemType, part));
  }
  if (leaf.type === 'object') return JSON.parse(raw) as unknown;
  return scalar(leaf.type, raw);
}

/** The config values the environment sets, with the variable each came from. */
export function readEnv(env: NodeJS.ProcessEnv): EnvValue[] {
  const leaves = configLeaves();
  const byPath = new Map(leaves.map((leaf) => [leaf.path.join('.'), leaf]));
  const values = new Map<string, EnvValue>();
  for (const [variable, dotted] of Object.entries(ENV_ALIASES)) {
    const raw = env[variable];
    const leaf = byPath.get(dotted);
    if (raw !== undefined && raw !== '' && leaf)
      values.set(dotted, { path: leaf.path, variable, value: coerce(leaf, raw) });
  }
  for (const leaf of leaves) {
    const variable = envName(leaf.path);
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    let value: unknown;
    try {
      value = coerce(leaf, raw);
    } catch {
      value = raw; // not JSON: let validation name the variable and the expected shape
    }
    values.set(leaf.path.join('.'), { path: leaf.path, variable, value });
  }
  return [...values.values()];
}

/** STOCKSTREAM_* variables that are not config keys but are read elsewhere. */
const OTHER_VARIABLES = [
  'STOCKSTREAM_CONFIG', // the config file to use (like --config)
  'STOCKSTREAM_CACHE', // scripts/services: where the local services live
  'STOCKSTREAM_INFLUX', // scripts/services: which InfluxDB to build
];

/** One warning per STOCKSTREAM_* variable nothing reads (a typo would otherwise be ignored silently). */
export function unknownEnvWarnings(env: NodeJS.ProcessEnv): string[] {
  const known = new Set([...configLeaves().map((leaf) => envName(leaf.path)), ...OTHER_VARIABLES]);
  return Object.keys(env)
    .filter((name) => name.startsWith('STOCKSTREAM_') && !known.has(name))
    .sort()
    .map((name) => {
      const guess = closest(name, known);
      return `${name} is not a StockStream setting and is ignored${guess ? ` — did you mean ${guess}?` : ''}`;
    });
}
