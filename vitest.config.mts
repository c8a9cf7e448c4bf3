import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/unit/**/*.test.ts',
      'tests/db/**/*.test.ts',
      'tests/integration/**/*.test.ts',
      'tests/sandbox/**/*.test.ts',
      'tests/security/**/*.test.ts',
    ],
    pool: 'forks',
    // both cores (vitest's default leaves one free): most files wait on fsync, sockets and timers
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default'],
  },
});
