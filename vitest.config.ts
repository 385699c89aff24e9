import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // expect.poll waits 1 s by default: too short for a browser page while another file loads the
    // two cores (a panel seen after 1.2 s failed CI once). A real defect still fails, later.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    // Two files at a time, even on two cores: a file mostly waits on PostgreSQL or Chromium (other
    // processes), and Vitest's default (cores − 1) runs one file at a time there. FLUX_TEST_WORKERS
    // changes it (1 to run the suite one file after the other).
    maxWorkers: Number(process.env.FLUX_TEST_WORKERS) || 2,
    // The server's JSON log is on by default: silent in tests unless asked (FLUX_JOURNAL=1 npx vitest …).
    env: { FLUX_JOURNAL: process.env.FLUX_JOURNAL ?? '0' },
  },
});
