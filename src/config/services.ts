/** Which outside services a config uses, from the catalogs' `service` fields (doctor, watch). */
import { sinkSpec } from '../sinks/catalog.ts';
import { sourceSpec } from '../sources/catalog.ts';
import type { SinkSpec } from '../sinks/types.ts';
import type { SourceSpec } from '../sources/types.ts';
import type { Config } from './schema.ts';

export type Service = NonNullable<SinkSpec['service'] | SourceSpec['service']>;

/** The services the configured source and the enabled sinks read or write. */
export function servicesInUse(config: Pick<Config, 'source' | 'sinks'>): Set<Service> {
  const used = new Set<Service>();
  const source: SourceSpec = sourceSpec(config.source.name);
  if (source.service) used.add(source.service);
  for (const name of config.sinks.enabled) {
    const sink: SinkSpec = sinkSpec(name);
    if (sink.service) used.add(sink.service);
  }
  return used;
}
