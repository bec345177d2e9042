import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: [],
    // Hubs started by tests (in-process or spawned) check transaction misuse; production does not.
    // Workers started by tests take any free health port (several run on one machine).
    env: { LIENTHONG_TX_GUARD: '1', LIENTHONG_HEALTH_PORT: '0' },
  },
});
