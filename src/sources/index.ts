/** Every source, by name: a plain list, no registration side effects. */
import type { SourceName } from '../config/schema.ts';
import { replaySource } from './replay/replay.ts';
import { syntheticSource } from './synthetic/synthetic.ts';
import type { SourceModule } from './types.ts';
import { yahooStreamSource } from './yahoo-stream/yahoo-stream.ts';
import { yahooSource } from './yahoo/yahoo.ts';

export const sourceModules: readonly SourceModule[] = [yahooSource, yahooStreamSource, replaySource, syntheticSource];

export function sourceModule(name: SourceName): SourceModule {
  const found = sourceModules.find((module) => module.name === name);
  // The config schema only admits these names; a miss is a programming error.
  if (!found) throw new Error(`no source named ${name}`);
  return found;
}
