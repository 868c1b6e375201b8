import { defineOptions, type FlagsOf, type LeafCommandSpec } from '../spec.ts';

export const doctorOptions = defineOptions({
  timeout: { flags: '--timeout <duration>', description: 'per check', default: '5s' },
});
export type DoctorFlags = FlagsOf<typeof doctorOptions>;

export const doctorCommand: LeafCommandSpec = {
  name: 'doctor',
  description:
    'check every configured service (Kafka, InfluxDB, PostgreSQL, Grafana, Yahoo) and say how to fix what fails',
  options: doctorOptions,
  examples: ['stockstream doctor', 'stockstream --json doctor'],
  load: () => import('./run.ts'),
};
