// npm run crash-test: SIGKILL the production server mid-write, restart it, and check that nothing
// acknowledged was lost. ROUNDS (default 20), WORKERS (8) and MAX_KILL_MS (1500) tune it.
// BACKEND=postgres: two processes on one PostgreSQL database (a private server started here), one
// of them killed while the other keeps serving (PRODUCT.md §8.5).
import { crashRound, replicaCrashRound, type RoundResult } from './crash/crash-round.js';
import { startPrivatePostgres } from '../test/helpers/private-postgres.js';
import { createPostgresDatabase } from '../test/helpers/test-database.js';

const rounds = Number(process.env.ROUNDS ?? 20);
const workers = Number(process.env.WORKERS ?? 8);
const maxKillMs = Number(process.env.MAX_KILL_MS ?? 1500);
const postgres = process.env.BACKEND === 'postgres' ? await startPrivatePostgres() : null;

let passed = 0;
let failed = 0;
let acknowledged = 0;
let lost = 0;
const started = Date.now();
try {
  for (let round = 1; round <= rounds; round++) {
    let result: RoundResult;
    let survivor = '';
    if (postgres) {
      const database = await createPostgresDatabase(postgres.url);
      try {
        const replica = await replicaCrashRound(round, database.url, { workers, maxKillMs, afterKillMs: 500 });
        survivor = `, the other process acknowledged ${replica.acknowledgedAfterKill} more after it`;
        if (replica.acknowledgedAfterKill === 0) replica.lost.push('the surviving process acknowledged nothing after the kill');
        result = replica;
      } finally {
        await database.drop();
      }
    } else result = await crashRound(round, { workers, maxKillMs });
    const ok = result.lost.length === 0 && result.integrity === 'ok';
    ok ? passed++ : failed++;
    acknowledged += result.acknowledged;
    lost += result.lost.length;
    console.log(
      `round ${round}: killed after ${result.killedAfterMs} ms${survivor}, ${result.acknowledged} writes acknowledged, ${result.lost.length} lost, integrity ${result.integrity}` +
        (result.lost.length ? `\n  ${result.lost.slice(0, 5).join('\n  ')}` : ''),
    );
  }
} finally {
  postgres?.stop();
}
console.log(`crash-test${postgres ? ' (PostgreSQL, two processes)' : ''}: ${rounds} rounds, ${acknowledged} writes acknowledged, ${lost} lost, ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
