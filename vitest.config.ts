import { defineConfig } from 'vitest/config';

// Tests run on the sources (each package's "@tidings/source" export condition); the processes
// they start run on the compiled output (the "default" condition), built first by globalSetup.
const conditions = ['@tidings/source', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'test/support/*/test/**/*.test.ts',
      'test/e2e/**/*.test.ts',
      'test/architecture/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'test/deploy/**/*.test.ts',
    ],
    globalSetup: [
      './test/support/testing/src/build-global-setup.ts',
      './test/support/testing/src/redis-global-setup.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Classifier processes are CPU-bound; two files at once keeps a 2-core machine responsive.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
