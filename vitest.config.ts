import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/**/*.docker.test.ts'],
    // Each test file opens its own SQLite file; files run in parallel across the two CI cores.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // In CI a JSON report too, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});
