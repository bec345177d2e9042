import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default there is one): most suites wait on
    // processes, sockets and timers, not the CPU. Measured on the 2-core CI machine: 755 s instead of
    // 1139 s for the whole suite, all passing; every suite has its own schema, ports and queue prefix.
    maxWorkers: 2,
    globalSetup: [],
    // Hubs started by tests (in-process or spawned) check transaction misuse; production does not.
    // Workers started by tests take any free health port (several run on one machine).
    // bin/lienthong.js spawned by tests runs the current sources, never a stale dist/.
    env: { LIENTHONG_TX_GUARD: '1', LIENTHONG_HEALTH_PORT: '0', LIENTHONG_FROM_SOURCE: '1' },
  },
});
