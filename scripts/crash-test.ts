// npm run crash-test: SIGKILL the production server mid-write, restart it, and check that nothing
// acknowledged was lost. ROUNDS (default 20), WORKERS (8) and MAX_KILL_MS (1500) tune it.
import { crashRound } from './crash/crash-round.js';

const rounds = Number(process.env.ROUNDS ?? 20);
const workers = Number(process.env.WORKERS ?? 8);
const maxKillMs = Number(process.env.MAX_KILL_MS ?? 1500);

let passed = 0;
let failed = 0;
let acknowledged = 0;
let lost = 0;
const started = Date.now();
for (let round = 1; round <= rounds; round++) {
  const result = await crashRound(round, { workers, maxKillMs });
  const ok = result.lost.length === 0 && result.integrity === 'ok';
  ok ? passed++ : failed++;
  acknowledged += result.acknowledged;
  lost += result.lost.length;
  console.log(
    `round ${round}: killed after ${result.killedAfterMs} ms, ${result.acknowledged} writes acknowledged, ${result.lost.length} lost, integrity ${result.integrity}` +
      (result.lost.length ? `\n  ${result.lost.slice(0, 5).join('\n  ')}` : ''),
  );
}
console.log(`crash-test: ${rounds} rounds, ${acknowledged} writes acknowledged, ${lost} lost, ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
