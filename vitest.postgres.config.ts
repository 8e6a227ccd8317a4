import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:postgres`: the same test files, every test app on a PostgreSQL database of its own
 * (PRODUCT.md §8.5), on a private server started for the run. Left out, each for its reason:
 */
const SQLITE_ONLY = [
  // about SQLite itself: its file, its modes, its WAL, its plans, two connections to one file
  'test/store/accounts-cache.test.ts',
  'test/store/postgres-*.test.ts', // already on PostgreSQL in `npm test`
  'test/reliability/journal-growth.test.ts',
  'test/reliability/file-modes-and-headers.test.ts',
  'test/performance/hot-path.test.ts',
  'test/cli/database-safety.test.ts',
  // the benchmark's small run seeds and serves its own SQLite file, whatever the test database
  'test/performance/bench-smoke.test.ts',
  // big groups streamed from SQLite read connections; on PostgreSQL the answer is built in memory
  'test/routes/big-group-stream.test.ts',
  // compares every SQLite table before and after each fuzzed request (test/fuzz/properties.ts)
  'test/fuzz/*.test.ts',
];

export default defineConfig({
  test: {
    ...base.test,
    exclude: [...(base.test?.exclude ?? []), ...SQLITE_ONLY],
    globalSetup: ['test/helpers/postgres-global-setup.ts'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest-postgres.json' }]] : ['default'],
  },
});
