import { Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.ts';
import { globalOptions } from '../../src/commands/options.ts';
import type { CommandSpec, LeafCommandSpec, OptionSpecs } from '../../src/commands/spec.ts';
import { configSchema } from '../../src/config/schema.ts';
import { sinkCatalog } from '../../src/sinks/catalog.ts';
import { sourceCatalog } from '../../src/sources/catalog.ts';

function leaves(specs: readonly CommandSpec[], prefix = ''): [string, LeafCommandSpec][] {
  return specs.flatMap((spec) =>
    'subcommands' in spec
      ? leaves(spec.subcommands, `${prefix}${spec.name} `)
      : ([[`${prefix}${spec.name}`, spec]] as [string, LeafCommandSpec][]),
  );
}

describe('command specs', () => {
  // A handler's option type is keyed by these names, so a key commander spells differently would
  // leave the handler reading undefined.
  it.each([
    ['(program)', globalOptions] as const,
    ...leaves(COMMANDS).map(([name, spec]) => [name, spec.options ?? {}] as const),
  ])('%s: every option key is the property commander gives the flag', (_name, options: OptionSpecs) => {
    for (const [key, spec] of Object.entries(options)) expect(new Option(spec.flags).attributeName()).toBe(key);
  });

  it('every command loads a handler with a run function', async () => {
    for (const [name, spec] of leaves(COMMANDS)) expect(typeof (await spec.load()).run, name).toBe('function');
  });
});

describe('component catalogs', () => {
  it('name each sink and source once and load a module that creates it', async () => {
    for (const catalog of [sinkCatalog, sourceCatalog]) {
      const names = catalog.map((spec) => spec.name);
      expect(new Set(names).size).toBe(names.length);
      for (const spec of catalog) expect(typeof (await spec.load()).create, spec.name).toBe('function');
    }
  });

  it('are what the config schema admits and where it puts component sections', () => {
    const defaults = configSchema.parse({});
    expect(configSchema.shape.sinks.unwrap().shape.enabled.unwrap().element.options).toEqual(
      sinkCatalog.map((spec) => spec.name),
    );
    expect(configSchema.shape.source.unwrap().shape.name.unwrap().options).toEqual(
      sourceCatalog.map((spec) => spec.name),
    );
    for (const spec of sourceCatalog) expect(defaults.source).toHaveProperty(spec.config.key);
    expect(defaults.sinks.file.path).toBe('stockstream-output.ndjson');
  });
});
