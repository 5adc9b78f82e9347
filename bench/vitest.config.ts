import { defineConfig } from 'vitest/config';

/** Benchmarks: run with `npm run bench`. They print figures; they are not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.test.ts'],
    // The same engines as `npm test`: system tools, a private dockerd, the run's marker and its
    // sweep of everything the run started (test/setup/global.ts).
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 180_000,
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['verbose'],
  },
});
