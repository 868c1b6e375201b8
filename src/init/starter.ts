/**
 * The files `stockstream init` writes, generated from the config schema (keys, defaults,
 * descriptions) so the starter cannot drift from what the config accepts.
 */
import { ENV_ALIASES } from '../config/env.ts';
import { configLeaves, type ConfigLeaf } from '../config/schema-walk.ts';
import { configSchema } from '../config/schema.ts';

export const STARTER_CONFIG = 'stockstream.config.ts';
export const STARTER_ENV = '.env.example';

/** A value longer than this is described instead of written out (the alert rules, for example). */
const MAX_INLINE = 90;

interface Tree {
  [key: string]: Tree | ConfigLeaf;
}

function isLeaf(node: Tree | ConfigLeaf): node is ConfigLeaf {
  return Array.isArray((node as ConfigLeaf).path);
}

function treeOf(leaves: ConfigLeaf[]): Tree {
  const root: Tree = {};
  for (const leaf of leaves) {
    let node = root;
    for (const key of leaf.path.slice(0, -1)) node = (node[key] ??= {}) as Tree;
    node[leaf.path.at(-1)!] = leaf;
  }
  return root;
}

function valueText(leaf: ConfigLeaf, value: unknown): string {
  if (leaf.secret) return 'undefined, // secret: better set in the environment (see .env.example)';
  const text = JSON.stringify(value);
  if (text === undefined) return `undefined,${leaf.description ? ` // ${leaf.description}` : ''}`;
  if (text.length > MAX_INLINE)
    return `undefined, // default: ${Array.isArray(value) ? `${value.length} entries` : 'an object'}, see the README${leaf.description ? `; ${leaf.description}` : ''}`;
  return `${text},${leaf.description ? ` // ${leaf.description}` : ''}`;
}

/** A commented starter config: `symbols` set, every other key commented out at its default. */
export function starterConfig(): string {
  const defaults = configSchema.parse({}) as unknown as Record<string, unknown>;
  const defaultAt = (path: string[]) =>
    path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], defaults);
  const lines: string[] = [];
  const emit = (tree: Tree, depth: number, commented: boolean) => {
    for (const [key, node] of Object.entries(tree)) {
      const indent = '  '.repeat(depth);
      const active = !commented && depth === 1 && key === 'symbols';
      const prefix = active ? indent : `${indent}// `;
      if (isLeaf(node)) {
        lines.push(`${prefix}${key}: ${valueText(node, defaultAt(node.path))}`);
      } else {
        lines.push(`${prefix}${key}: {`);
        emit(node, depth + 1, true);
        lines.push(`${prefix}},`);
      }
    }
  };
  emit(treeOf(configLeaves()), 1, false);
  return [
    '// StockStream config, written by `stockstream init`. Every key is optional; the commented ones',
    '// show their defaults: uncomment and change what you need. `stockstream config` prints the',
    '// resolved result (defaults < this file < environment < flags) and `stockstream doctor` checks it.',
    'export default {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

/** The environment variables people usually keep outside the config (secrets first of all). */
export function starterEnv(): string {
  const lines = Object.entries(ENV_ALIASES).map(([variable, path]) => `# ${variable}=   (${path})`);
  return [
    '# Environment for StockStream, written by `stockstream init`: copy to .env or export these.',
    '# Any key of the config can also be set as STOCKSTREAM_<KEY> (kafka.clientId: STOCKSTREAM_KAFKA_CLIENT_ID).',
    ...lines,
    '',
  ].join('\n');
}
