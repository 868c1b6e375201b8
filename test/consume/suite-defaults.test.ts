/**
 * The consume and fault tests must run what users run: the shared suite config may differ from
 * the shipped defaults only where the suite's own resources are (SUITE_OVERRIDES). A hidden
 * `windows.idleTimeout: '1h'` here once kept every outage test from seeing late ticks that users saw.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { SUITE_OVERRIDES, suiteUserConfig } from './support/suite.ts';

type Tree = Record<string, unknown>;

/** Every leaf of a config as `dotted.path → value` (arrays are leaves). */
function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value as Tree)) {
      for (const [path, leaf] of leaves(child, prefix ? `${prefix}.${key}` : key)) out.set(path, leaf);
    }
  } else {
    out.set(prefix, value);
  }
  return out;
}

const allowed = (path: string) =>
  SUITE_OVERRIDES.some((override) => path === override || path.startsWith(`${override}.`));

describe('the shared consume test config', () => {
  const suite = configSchema.parse(
    suiteUserConfig({
      name: 'defaults_check',
      dir: '/tmp/defaults_check',
      partitions: 4,
      influx: { url: 'http://127.0.0.1:1', token: 't', org: 'o', bucket: 'b' },
      postgresUrl: 'postgres://127.0.0.1:1/x',
    }),
  );
  const shipped = configSchema.parse({});

  it('equals the shipped defaults apart from the documented overrides', () => {
    const actual = leaves(suite);
    const defaults = leaves(shipped);
    const differing = [...new Set([...actual.keys(), ...defaults.keys()])].filter(
      (path) => JSON.stringify(actual.get(path)) !== JSON.stringify(defaults.get(path)) && !allowed(path),
    );
    expect(differing).toEqual([]);
  });

  it('keeps the idle timeout and lateness users run', () => {
    expect(suite.windows).toEqual(shipped.windows);
    expect(suite.sinks.flushInterval).toEqual(shipped.sinks.flushInterval);
    expect(suite.kafka.connectTimeout).toEqual(shipped.kafka.connectTimeout);
  });
});
