/**
 * Property-based fuzzing of the real app (the "Reliability and security" issue, item 2): a few
 * thousand generated requests with a fixed seed, so that a failure here reproduces exactly.
 * `npm run fuzz` runs 100,000 with any seed (scripts/fuzz.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_KINDS, URN, described } from './arbitraries.js';
import { createFuzzHarness, errorDocumentProblems, pollutionFound, prototypeNames, runFuzz, type FuzzHarness } from './properties.js';

const SEED = 20_240_601;
const RUNS_PER_KIND = Number(process.env.FUZZ_TEST_RUNS ?? 500);

describe('fuzzing the SCIM API (fast-check, fixed seed)', () => {
  let harness: FuzzHarness;
  beforeAll(async () => {
    harness = await createFuzzHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  // A fuzzer whose checks cannot fail proves nothing: each property is shown to catch its failure.
  it('the properties catch what they are about', async () => {
    const fastifyError = { status: 400, headers: { 'content-type': 'application/json' }, text: '{"error":"Bad Request","code":"FST_ERR_BAD_URL","statusCode":400}' };
    expect(errorDocumentProblems('GET', undefined, fastifyError)).toHaveLength(3); // type, schemas, status
    const scimError = { status: 404, headers: { 'content-type': 'application/scim+json; charset=utf-8' }, text: JSON.stringify({ schemas: [URN.error], status: '404', detail: 'x' }) };
    expect(errorDocumentProblems('GET', undefined, scimError)).toEqual([]);
    expect(errorDocumentProblems('GET', 'application/json', scimError)).toHaveLength(1);
    expect(errorDocumentProblems('GET', undefined, { ...scimError, text: JSON.stringify({ schemas: [URN.error], status: 404, scimType: 'notFound' }) })).toHaveLength(2);

    const names = prototypeNames();
    (Object.prototype as Record<string, unknown>).polluted = 'yes';
    try {
      expect(pollutionFound(names).length).toBeGreaterThan(0);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
    expect(pollutionFound(names)).toEqual([]);

    const before = harness.snapshot();
    const { user0 } = harness.bindings();
    const outcome = await harness.check(
      described({ kind: 'patch', method: 'PATCH', path: `/Users/${user0}`, headers: {}, body: JSON.stringify({ schemas: [URN.patchOp], Operations: [{ op: 'replace', path: 'title', value: `t${Date.now()}` }] }) }),
    );
    expect(outcome.status).toBe(200);
    expect(harness.snapshot()).not.toBe(before);
  });

  FUZZ_KINDS.forEach((kind, i) => {
    it(`${kind}: never a 5xx, 4xx are SCIM errors, a refusal changes nothing, no prototype pollution`, async () => {
      const stats = await runFuzz({ numRuns: RUNS_PER_KIND, seed: SEED + i, kinds: [kind], harness, stopOnFailure: true });
      expect(stats.cases).toBe(RUNS_PER_KIND);
      // The generators must reach past the first checks, not only be refused.
      const accepted = Object.entries(stats.byStatus).filter(([status]) => Number(status) < 300).reduce((n, [, c]) => n + c, 0);
      expect(accepted, JSON.stringify(stats.byStatus)).toBeGreaterThan(0);
    }, 120_000);
  });
});
