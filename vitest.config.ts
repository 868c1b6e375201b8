import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The fault tests stop and start the shared servers: `npm run test:faults`, never alongside these.
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites share the machine's 2 cores with Kafka, InfluxDB and PostgreSQL.
    maxWorkers: 2,
  },
});
