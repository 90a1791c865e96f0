import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // SQLite files, child processes and Chromium: real parts are slower than mocks.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: running every file at once only makes each one slower and flakier.
    maxWorkers: 2,
  },
});
