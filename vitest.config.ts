import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // The server's JSON log is on by default: silent in tests unless asked (FLUX_JOURNAL=1 npx vitest …).
    env: { FLUX_JOURNAL: process.env.FLUX_JOURNAL ?? '0' },
  },
});
