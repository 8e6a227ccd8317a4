/**
 * The full-size run of test/reliability/over-limit-upload.test.ts: the production build in its own
 * process at the default BODY_LIMIT (10mb), sent over-limit uploads of 11 MB and 50 MB in 64 KB
 * slices by stubborn raw-socket clients, while the server's resident memory is sampled from /proc.
 *
 *   npm run build && node --import tsx scripts/over-limit-upload.ts [uploads=10] [concurrency=2]
 *
 * Prints how many uploads read a complete 413 SCIM error, what the clients saw, and the server's
 * RSS before, at its peak while draining, and after. Exit code 1 when any answer was lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryOf, stop } from '../bench/processes.js';
import { startServer } from './crash/server-process.js';
import { lastResponse, uploadInSlices, type UploadResult } from '../test/helpers/raw-socket.js';

const MB = 1024 * 1024;
const uploads = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 2);
const token = 'over-limit-upload-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'zi-scim-upload-'));
const server = await startServer({ DATABASE_PATH: join(dir, 'sandbox.db'), SCIM_TOKEN: token, LOG_LEVEL: 'warn' });
const pid = server.child.pid!;
const port = Number(new URL(server.baseUrl).port);

const before = memoryOf(pid);
let peakRss = before.rssMb;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, memoryOf(pid).rssMb)), 20);

const cases = Array.from({ length: uploads }, (_, i) => ({
  path: i % 2 ? '/scim/v2/Users/.search' : '/scim/v2/Users',
  size: i % 4 < 2 ? 11 * MB : 50 * MB,
}));
const complete413 = (r: UploadResult) => {
  const res = lastResponse(r.text);
  return res?.status === 413 && JSON.parse(res.body).status === '413';
};
const started = performance.now();
const results: { size: number; result: UploadResult }[] = [];
for (let i = 0; i < cases.length; i += concurrency) {
  const batch = cases.slice(i, i + concurrency);
  results.push(...(await Promise.all(batch.map(async (c) => ({ size: c.size, result: await uploadInSlices({ port, token, waitMs: 120_000, ...c }) })))));
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const after = memoryOf(pid);
await stop(server);
rmSync(dir, { recursive: true, force: true });

const lost = results.filter((r) => !complete413(r.result));
for (const { size, result } of results) {
  console.log(`${size / MB} MB: ${complete413(result) ? 'complete 413' : 'ANSWER LOST'}, ${(result.written / MB).toFixed(1)} MB written, client saw ${result.error ?? 'no error'}`);
}
const drainedMb = results.reduce((sum, r) => sum + r.result.written, 0) / MB;
console.log(`${results.length - lost.length}/${results.length} read a complete 413 in ${seconds.toFixed(1)} s (${drainedMb.toFixed(0)} MB sent); server RSS ${before.rssMb.toFixed(0)} MB before, ${peakRss.toFixed(0)} MB peak, ${after.rssMb.toFixed(0)} MB after`);
process.exitCode = lost.length ? 1 : 0;
