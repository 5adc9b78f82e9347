import { defineConfig } from 'vitest/config';

/** Benchmarks: run with `npm run bench`. They print figures; they are not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.test.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    reporters: ['verbose'],
  },
});
