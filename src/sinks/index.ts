/** Creates the enabled sinks from the catalog (src/sinks/catalog.ts). */
import type { Config } from '../config/schema.ts';
import type { TopicSpec } from '../kafka/topics.ts';
import { sinkSpec } from './catalog.ts';
import type { Sink, SinkDeps, SinkSpec } from './types.ts';

/** Creates the enabled sinks in order; those already created are closed if a later one fails. */
export async function createSinks(config: Config, deps: SinkDeps): Promise<Sink[]> {
  const sinks: Sink[] = [];
  try {
    for (const name of new Set(config.sinks.enabled))
      sinks.push(await (await sinkSpec(name).load()).create(config, deps));
  } catch (error) {
    for (const sink of sinks) await sink.close().catch(() => {});
    throw error;
  }
  return sinks;
}

/** Topics the enabled sinks write to, created by the engine when missing. */
export function sinkTopics(config: Config): TopicSpec[] {
  return [...new Set(config.sinks.enabled)].flatMap((name) => {
    const spec: SinkSpec = sinkSpec(name);
    return spec.topics?.(config) ?? [];
  });
}

export type { Sink, SinkDeps, SinkModule, SinkSpec } from './types.ts';
