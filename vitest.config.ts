import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: [],
    // Hubs started by tests (in-process or spawned) check transaction misuse; production does not.
    env: { LIENTHONG_TX_GUARD: '1' },
  },
});
