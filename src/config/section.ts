/**
 * A component's own config section (`source.replay`, `sinks.file`…), declared in the component's
 * folder. The section is a function of the schema kit so a catalog imports zod by type only: the
 * CLI reads the catalogs for names and help, and `--help` must not pay for loading zod.
 */
import type { z } from 'zod';

export interface SchemaKit {
  z: typeof z;
  /** A duration string like `2s` or `15m`, with the config's usual error message. */
  duration(description: string): z.ZodString;
}

export interface ConfigSection<K extends string = string, S extends z.ZodType = z.ZodType> {
  /** The key under the kind's config object: `source.<key>` or `sinks.<key>`. */
  readonly key: K;
  schema(kit: SchemaKit): S;
}
