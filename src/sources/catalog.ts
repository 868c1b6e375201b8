/**
 * Every source, in the order the docs list them. A new source is its folder (with a `spec.ts`) and
 * one entry here; the config schema, the CLI's `--source` choices, doctor and the README table
 * read this list. Specs are light: the source itself loads only when a run uses it.
 */
import { replaySpec } from './replay/spec.ts';
import { syntheticSpec } from './synthetic/spec.ts';
import { yahooStreamSpec } from './yahoo-stream/spec.ts';
import { yahooSpec } from './yahoo/spec.ts';
import { entryOf, namesOf } from '../util/catalog.ts';

export const sourceCatalog = [yahooSpec, yahooStreamSpec, replaySpec, syntheticSpec] as const;

export type SourceName = (typeof sourceCatalog)[number]['name'];

export const sourceNames = namesOf(sourceCatalog);

export function sourceSpec(name: SourceName): (typeof sourceCatalog)[number] {
  return entryOf(sourceCatalog, 'source', name);
}
