/** Every source, by name: a plain list, no registration side effects. */
import type { Config, SourceName } from '../config/schema.ts';
import { createBackfill } from './backfill/backfill.ts';
import { replaySource } from './replay/replay.ts';
import { syntheticSource } from './synthetic/synthetic.ts';
import type { Source, SourceDeps, SourceModule } from './types.ts';
import { yahooStreamSource } from './yahoo-stream/yahoo-stream.ts';
import { yahooSource } from './yahoo/yahoo.ts';

export const sourceModules: readonly SourceModule[] = [yahooSource, yahooStreamSource, replaySource, syntheticSource];

export function sourceModule(name: SourceName): SourceModule {
  const found = sourceModules.find((module) => module.name === name);
  // The config schema only admits these names; a miss is a programming error.
  if (!found) throw new Error(`no source named ${name}`);
  return found;
}

/** The sources of a run, in order: the backfill (if configured) and then the live source. */
export function plannedSources(config: Config, deps?: SourceDeps): Source[] {
  const live = sourceModule(config.source.name).create(config, deps);
  return config.source.backfill ? [createBackfill(config, deps), live] : [live];
}
