import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashRound, replicaCrashRound } from '../../scripts/crash/crash-round.js';
import { postgresAvailable } from '../helpers/private-postgres.js';
import { createPostgresDatabase, postgresForFile } from '../helpers/test-database.js';

// The small version of `npm run crash-test` (20 rounds): three SIGKILLs of the production build.
describe('kill -9 loses nothing acknowledged', () => {
  it.each([1, 2, 3])('round %i', async (round) => {
    const result = await crashRound(round, { workers: 6, maxKillMs: 700 });
    expect(result.acknowledged).toBeGreaterThan(1);
    expect(result.lost).toEqual([]);
    expect(result.integrity).toBe('ok');
  }, 60_000);
});

// PRODUCT.md §8.5: two processes on one PostgreSQL database; one is killed, the other keeps serving.
const postgres = postgresAvailable();
if (!postgres) console.log('crash (PostgreSQL): PostgreSQL is not installed (apt-get install postgresql); skipped');

describe.skipIf(!postgres)('kill -9 of one of two processes on PostgreSQL loses nothing acknowledged', () => {
  let server: { url: string; stop(): void };
  beforeAll(async () => {
    server = await postgresForFile();
  }, 60_000);
  afterAll(() => server?.stop());

  it.each([1, 2])('round %i', async (round) => {
    const database = await createPostgresDatabase(server.url);
    try {
      const result = await replicaCrashRound(round, database.url, { workers: 6, maxKillMs: 700, afterKillMs: 300 });
      expect(result.acknowledged).toBeGreaterThan(1);
      expect(result.lost).toEqual([]);
      expect(result.acknowledgedAfterKill).toBeGreaterThan(0);
      expect(result.integrity).toBe('ok');
    } finally {
      await database.drop();
    }
  }, 60_000);
});
