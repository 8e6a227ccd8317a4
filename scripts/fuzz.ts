/**
 * `npm run fuzz`: 100,000 generated requests (FUZZ_RUNS) thrown at one real app, with FUZZ_SEED or
 * a fresh seed that is printed first, so any run can be repeated. Prints progress, the first
 * failures in full, and a final line; exits 1 on any failure. See test/fuzz/properties.ts.
 *
 *   FUZZ_RUNS=20000 FUZZ_SEED=42 FUZZ_KINDS=filter,patch npm run fuzz
 *
 * Answers that openapi/openapi.yaml does not describe are counted and shown; FUZZ_OPENAPI_STRICT=1
 * makes them failures too.
 */
import { FUZZ_KINDS, type FuzzKind } from '../test/fuzz/arbitraries.js';
import { failureCount, formatOutcome, runFuzz, summaryLine, type FuzzStats } from '../test/fuzz/properties.js';

const numRuns = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const openApiFatal = process.env.FUZZ_OPENAPI_STRICT === '1';
const kinds = (process.env.FUZZ_KINDS ? process.env.FUZZ_KINDS.split(',').map((k) => k.trim()) : [...FUZZ_KINDS]) as FuzzKind[];

if (!Number.isSafeInteger(numRuns) || numRuns < 1 || !Number.isSafeInteger(seed) || kinds.some((k) => !FUZZ_KINDS.includes(k))) {
  console.error(`fuzz: FUZZ_RUNS must be a positive integer, FUZZ_SEED an integer, FUZZ_KINDS a list of ${FUZZ_KINDS.join(', ')}`);
  process.exit(2);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const statuses = (s: FuzzStats) =>
  Object.entries(s.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status}:${n}`)
    .join(' ');

console.log(`fuzz: ${numRuns} cases, seed ${seed} (repeat with FUZZ_SEED=${seed}), kinds ${kinds.join(', ')}`);
const stats = await runFuzz({
  numRuns,
  seed,
  kinds,
  stopOnFailure: false,
  openApiFatal,
  progressEvery: Math.max(1, Math.min(5000, Math.floor(numRuns / 10))),
  onProgress: (s) => console.log(`  ${s.cases}/${numRuns} in ${seconds(s.ms)}, failures ${failureCount(s)}, statuses ${statuses(s)}`),
});

const signatures = Object.entries(stats.signatures).sort(([, a], [, b]) => b.count - a.count);
if (signatures.length) console.log(`\nfailures by kind:\n${signatures.map(([key, { count }]) => `  ${String(count).padStart(6)}  ${key}`).join('\n')}`);
signatures.forEach(([key, { example }]) => console.log(`\n=== first of "${key}" ===\n${formatOutcome(example)}`));
if (process.env.FUZZ_VERBOSE) stats.failures.forEach((outcome, i) => console.log(`\n=== failure ${i + 1} of ${failureCount(stats)} ===\n${formatOutcome(outcome)}`));
console.log(`\nstatuses: ${statuses(stats)}`);
console.log(`by kind: ${Object.entries(stats.byKind).map(([k, n]) => `${k}:${n}`).join(' ')}`);
console.log(`${summaryLine(stats)} (seed ${seed}, ${seconds(stats.ms)})`);
process.exit(failureCount(stats) === 0 && stats.cases === numRuns ? 0 : 1);
