/**
 * CPU seconds per component from /proc (utime + stime of every thread): this process (the consumer
 * or the bare reader run in it), the Kafka broker and InfluxDB, found by the pid files
 * `scripts/services` writes under $STOCKSTREAM_CACHE/run/. Wall time on a shared 2-core machine
 * says little; CPU seconds per tick are what the bound is computed from.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux we run on). */
const USER_HZ = 100;
const CACHE = process.env.STOCKSTREAM_CACHE ?? path.join(os.homedir(), '.cache', 'stockstream');

export type Component = 'consume' | 'kafka' | 'influx';

export function cpuSecondsOf(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ; // utime, stime (fields 14, 15)
}

function servicePid(service: 'kafka' | 'influx'): number {
  const file = path.join(CACHE, 'run', service, `${service}.pid`);
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8').trim());
  } catch {
    throw new Error(`no ${file}: start the services with scripts/services up (STOCKSTREAM_CACHE=${CACHE})`);
  }
  cpuSecondsOf(pid); // throws now, not mid-run, when the pid file is stale
  return pid;
}

export type CpuSample = Record<Component, number>;

export interface CpuMeter {
  sample(): CpuSample;
}

export function cpuMeter(): CpuMeter {
  const kafka = servicePid('kafka');
  const influx = servicePid('influx');
  return {
    sample: () => ({ consume: cpuSecondsOf('self'), kafka: cpuSecondsOf(kafka), influx: cpuSecondsOf(influx) }),
  };
}

export function cpuSince(start: CpuSample, end: CpuSample): CpuSample {
  return { consume: end.consume - start.consume, kafka: end.kafka - start.kafka, influx: end.influx - start.influx };
}
