/**
 * The Prometheus registry every serving command starts from: the standard process and Node.js
 * metrics under their standard names (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`…,
 * so stock dashboards and alerts work unchanged) and `stockstream_build_info`, the convention for
 * telling which version a target runs.
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { VERSION } from '../version.ts';

export function createRegistry(command: string): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'stockstream_build_info',
    help: 'Always 1; the labels say which build runs.',
    labelNames: ['version', 'node', 'command'],
    registers: [registry],
  });
  info.set({ version: VERSION, node: process.versions.node, command }, 1);
  return registry;
}
