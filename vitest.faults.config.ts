import { defineConfig } from 'vitest/config';

// Fault tests (test/faults) stop and start the shared Kafka, InfluxDB and PostgreSQL: one file at a
// time, and never together with the other suites (`npm test` leaves them out; `npm run test:faults`).
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
  },
});
