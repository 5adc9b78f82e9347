import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real nats-server and dockerd processes: keep the 2-core machine usable.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
