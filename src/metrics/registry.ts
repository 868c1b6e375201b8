/**
 * The Prometheus registry every serving command starts from: the standard process and Node.js
 * metrics under their standard names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`…,
 * so stock dashboards and alerts work unchanged) and `stockstream_build_info`, the convention for
 * telling which version a target runs.
 */
import { readFileSync } from 'node:fs';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** The package version, read once from package.json (two levels up from both src/ and dist/). */
function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function createRegistry(command: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'stockstream_build_info',
    help: 'Always 1; the labels say which build runs.',
    labelNames: ['version', 'node', 'command'],
    registers: [registry],
  });
  info.set({ version: packageVersion(), node: process.versions.node, command }, 1);
  return registry;
}
