/**
 * A component's own config section (`source.replay`, `sinks.file`…), declared in the component's
 * folder. The section is a function of the schema kit so a catalog imports zod by type only: the
 * CLI reads the catalogs for names and help, and `--help` must not pay for loading zod.
 */
import type { z } from 'zod';
import type { Duration } from '../util/duration.ts';

export interface SchemaKit {
  z: typeof z;
  /**
   * A duration written like `2s` or `15m`, with the config's usual error message, parsed into a
   * Duration at load; give its default with `.prefault('2s')`.
   */
  duration(description: string): z.ZodPipe<z.ZodString, z.ZodTransform<Duration, string>>;
}

export interface ConfigSection<K extends string = string, S extends z.ZodType = z.ZodType> {
  /** The key under the kind's config object: `source.<key>` or `sinks.<key>`. */
  readonly key: K;
  schema(kit: SchemaKit): S;
}
