import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/fixtures/**'],
    // Installs missing system tools, sweeps earlier leftovers, starts the shared dockerd, and stops
    // everything this run started, whatever way it ends (test/setup/global.ts).
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real nats-server and dockerd processes: keep the 2-core machine usable.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
