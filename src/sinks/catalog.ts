/**
 * Every sink, in the order the docs list them. A new sink is its folder (with a `spec.ts`) and one
 * entry here; the config schema, the CLI's `--sinks` help, doctor, watch's "not in watch" list and
 * the README table read this list. Specs are light: the sink itself loads only when a run uses it.
 */
import { consoleSpec } from './console/spec.ts';
import { fileSpec } from './file/spec.ts';
import { influxSpec } from './influx/spec.ts';
import { kafkaSpec } from './kafka/spec.ts';
import { postgresSpec } from './postgres/spec.ts';
import { entryOf, namesOf } from '../util/catalog.ts';

export const sinkCatalog = [influxSpec, postgresSpec, kafkaSpec, consoleSpec, fileSpec] as const;

export type SinkName = (typeof sinkCatalog)[number]['name'];

export const sinkNames = namesOf(sinkCatalog);

export function sinkSpec(name: SinkName): (typeof sinkCatalog)[number] {
  return entryOf(sinkCatalog, 'sink', name);
}
