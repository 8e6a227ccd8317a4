import { describe, expect, it } from 'vitest';
import { crashRound } from '../../scripts/crash/crash-round.js';

// The small version of `npm run crash-test` (20 rounds): three SIGKILLs of the production build.
describe('kill -9 loses nothing acknowledged', () => {
  it.each([1, 2, 3])('round %i', async (round) => {
    const result = await crashRound(round, { workers: 6, maxKillMs: 700 });
    expect(result.acknowledged).toBeGreaterThan(1);
    expect(result.lost).toEqual([]);
    expect(result.integrity).toBe('ok');
  }, 60_000);
});
