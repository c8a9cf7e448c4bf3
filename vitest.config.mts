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
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default'],
  },
});
