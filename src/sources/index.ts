/** The sources of a run, created from the catalog (src/sources/catalog.ts). */
import type { Config } from '../config/schema.ts';
import { createBackfill } from './backfill/backfill.ts';
import { sourceSpec } from './catalog.ts';
import type { Source, SourceDeps } from './types.ts';

/** The sources of a run, in order: the backfill (if configured) and then the live source. */
export async function plannedSources(config: Config, deps?: SourceDeps): Promise<Source[]> {
  const live = (await sourceSpec(config.source.name).load()).create(config, deps);
  return config.source.backfill ? [createBackfill(config, deps), live] : [live];
}
