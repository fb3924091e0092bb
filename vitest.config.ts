import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'test/e2e/**/*.test.ts',
      'test/architecture/**/*.test.ts',
      'bench/test/**/*.test.ts',
    ],
    globalSetup: ['./packages/testing/src/redis-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Classifier processes are CPU-bound; two files at once keeps a 2-core machine responsive.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
