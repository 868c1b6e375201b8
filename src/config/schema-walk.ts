/**
 * Walks the JSON Schema form of the config schema, so the environment bindings, the redaction list
 * and the README reference all follow `schema.ts` instead of repeating it.
 */
import { z } from 'zod';
import { configSchema } from './schema.ts';

export interface ConfigLeaf {
  path: string[];
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  itemType?: string;
  enum?: readonly unknown[];
  default?: unknown;
  description?: string;
  secret: boolean;
}

interface JsonSchemaNode {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  secret?: boolean;
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
}

let cached: ConfigLeaf[] | undefined;

/** Every configurable leaf (scalars, arrays and objects without fixed properties), in schema order. */
export function configLeaves(): ConfigLeaf[] {
  if (cached) return cached;
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const leaves: ConfigLeaf[] = [];
  const visit = (node: JsonSchemaNode, path: string[]) => {
    if (node.type === 'object' && node.properties) {
      for (const [key, child] of Object.entries(node.properties)) visit(child, [...path, key]);
      return;
    }
    const type = (node.type ?? (node.enum ? 'string' : 'object')) as ConfigLeaf['type'];
    leaves.push({
      path,
      type,
      itemType: node.items?.type ?? (node.items?.anyOf || node.items?.oneOf ? 'object' : undefined),
      enum: node.enum,
      default: node.default,
      description: node.description,
      secret: node.secret === true,
    });
  };
  visit(root, []);
  cached = leaves;
  return leaves;
}

/** Dotted paths of secret values, like `influx.token`. */
export function secretPaths(): string[] {
  return configLeaves()
    .filter((leaf) => leaf.secret)
    .map((leaf) => leaf.path.join('.'));
}
