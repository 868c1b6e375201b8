/** The sinks `consume` can write to, registered by name (`sinks.enabled`, `--sinks`). */
import type { Config, SinkName } from '../config/schema.ts';
import type { TopicSpec } from '../kafka/topics.ts';
import { consoleSink } from './console/console.ts';
import { fileSink } from './file/file.ts';
import { influxSink } from './influx/influx.ts';
import { kafkaSink, kafkaSinkTopics } from './kafka/kafka.ts';
import { postgresSink } from './postgres/postgres.ts';
import type { Sink, SinkDeps, SinkModule } from './types.ts';

export const sinkModules: readonly SinkModule[] = [influxSink, postgresSink, kafkaSink, consoleSink, fileSink];

export function sinkModule(name: SinkName): SinkModule {
  const module = sinkModules.find((candidate) => candidate.name === name);
  if (!module) throw new Error(`no sink named ${name}`);
  return module;
}

/** Creates the enabled sinks in order; those already created are closed if a later one fails. */
export async function createSinks(config: Config, deps: SinkDeps): Promise<Sink[]> {
  const sinks: Sink[] = [];
  try {
    for (const name of new Set(config.sinks.enabled)) sinks.push(await sinkModule(name).create(config, deps));
  } catch (error) {
    for (const sink of sinks) await sink.close().catch(() => {});
    throw error;
  }
  return sinks;
}

/** Topics the enabled sinks write to, created by the engine when missing. */
export function sinkTopics(config: Config): TopicSpec[] {
  return config.sinks.enabled.includes('kafka') ? kafkaSinkTopics(config) : [];
}

export type { Sink, SinkDeps, SinkModule } from './types.ts';
