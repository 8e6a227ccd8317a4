/**
 * Every counterexample the fuzzer found (test/fuzz/), kept as a fixed request. Each was a failure of
 * one of the fuzz properties before its fix: a 4xx that was not a SCIM error, a URI that was not a
 * URI, an answer the client could not read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { described, type FuzzRequest } from './arbitraries.js';
import { createFuzzHarness, errorDocumentProblems, type FuzzHarness, type Outcome } from './properties.js';

const request = (r: Omit<FuzzRequest, 'kind'> & { kind?: FuzzRequest['kind'] }): FuzzRequest => described({ kind: 'query', ...r });

describe('fuzzer counterexamples', () => {
  let h: FuzzHarness;
  beforeAll(async () => {
    h = await createFuzzHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Sends the request through the fuzz properties: they must all hold. */
  async function passes(r: FuzzRequest): Promise<Outcome> {
    const outcome = await h.check(r);
    expect(outcome.problems, outcome.problems.map((p) => `${p.kind}: ${p.detail}`).join('\n')).toEqual([]);
    return outcome;
  }

  const body = (o: Outcome) => JSON.parse(o.responseText) as Record<string, unknown>;

  // Before: 400 {"error":"Bad Request","code":"FST_ERR_BAD_URL",...} as application/json, from
  // Fastify's router before any SCIM hook (fix: frameworkErrors in src/app.ts).
  it('a malformed percent-escape in the path is a SCIM 400', async () => {
    const o = await passes(request({ method: 'GET', path: '/Users/%zz?COuNT=-141773806&&SORtORdER=&&SorTOrDEr=asc', headers: { 'if-none-match': 'W/"1"' } }));
    expect(o.status).toBe(400);
    expect(body(o).detail).toMatch(/percent-encoding/);
  });

  it('... also for a truncated UTF-8 escape, a write, and with Accept: application/json', async () => {
    expect((await passes(request({ method: 'GET', path: '/Users/%E0%A4%A?sORtORdeR=1', headers: {} }))).status).toBe(400);
    expect((await passes(request({ kind: 'patch', method: 'PATCH', path: '/Users/%C3%28', headers: {}, body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}' }))).status).toBe(400);
    const json = await passes(request({ method: 'DELETE', path: '/Groups/%zz', headers: { accept: 'application/json' } }));
    expect(json.status).toBe(400);
  });

  // Before: 414 {"code":"FST_ERR_MAX_PARAM_LENGTH",...} as application/json: find-my-way caps a path
  // parameter at 100 characters (fix: routerOptions.maxParamLength in src/app.ts). Now an unknown id.
  it('an id longer than 100 characters is an unknown id: SCIM 404', async () => {
    const { group0 } = h.bindings();
    // As found: the query is read before the id is looked up, and sortOrder=asc is not a sortOrder.
    const found = await passes(request({ method: 'GET', path: `/Groups/${group0}${'0'.repeat(80)}?__proto__%5Bpolluted%5D=x&SOrToRder=asc`, headers: { 'if-none-match': 'W/"2"' } }));
    expect(found.status).toBe(400);
    expect(body(found).detail).toMatch(/sortOrder/);
    const o = await passes(request({ method: 'GET', path: `/Groups/${group0}${'0'.repeat(80)}?__proto__%5Bpolluted%5D=x`, headers: { 'if-none-match': 'W/"2"' } }));
    expect(o.status).toBe(404);
    const patch = await passes(
      request({ kind: 'patch', method: 'PATCH', path: `/Groups/${group0}${'0'.repeat(80)}`, headers: { 'if-match': "}'" }, body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]}' }),
    );
    expect(patch.status).toBe(404);
    expect((await passes(request({ method: 'GET', path: `/Users/${'a'.repeat(101)}`, headers: {} }))).status).toBe(404);
    expect((await passes(request({ method: 'GET', path: `/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User${':x'.repeat(30)}`, headers: {} }))).status).toBe(404);
  });

  // Before: 200 with "meta": {"location": "http://hÃ©/scim/v2/Users/..."} (not a URI; OpenAPI
  // mismatch), and `Host: user@host` gave "http://user@host/..." (fix: baseUrlOf in src/routes/base-url.ts).
  it('a Host header that is not host[:port] is a SCIM 400, and nothing is written', async () => {
    const { user0 } = h.bindings();
    for (const host of ['h\u00e9', 'user@host', 'a b', 'a/b', 'a?b#c', 'a%zz', 'localhost:99999']) {
      const o = await passes(request({ kind: 'headers', method: 'GET', path: `/Users/${user0}`, headers: { host } }));
      expect(o.status, host).toBe(400);
      expect(body(o).detail).toMatch(/Host/);
    }
    const before = h.snapshot();
    const write = await passes(
      request({ kind: 'headers', method: 'PATCH', path: `/Users/${user0}`, headers: { host: 'user@evil.example' }, body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Fuzzed"}]}' }),
    );
    expect(write.status).toBe(400);
    expect(h.snapshot()).toBe(before);
  });

  it('valid Host forms still name the base URL', async () => {
    const { user0 } = h.bindings();
    for (const host of ['evil.example', 'localhost:1', 'a_b', '[::1]:80', '..']) {
      const o = await passes(request({ kind: 'headers', method: 'GET', path: `/Users/${user0}`, headers: { host } }));
      expect(o.status, host).toBe(200);
      expect((body(o).meta as { location: string }).location).toBe(`http://${host}/scim/v2/Users/${user0}`);
    }
  });

  // Before: 500 "Internal server error". readListParams (src/scim/list-params.ts) called String() on
  // SearchRequest members, which throws a TypeError for an object whose own toString is not a function.
  it('SearchRequest members that cannot be turned into text are a 400, not a 500', async () => {
    const found = await passes(
      request({
        kind: 'filter',
        method: 'POST',
        path: '/Users/.search',
        headers: {},
        body: '{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":". \\"x\\" gt \\\\ ( userName \\"x\\" ] or )","startIndex":27,"sortBy":"urn:scim:schemas:extension:enterprise:2.0:employeeNumber","sortOrder":"DEScEnDInG","attributes":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"{m+bpbr5j.m6t.s.3x`&.`@evls2.c75ho.db","lOCaLE":"monthly","manager.$ref":false,"toString":true},"excludedAttributes":[],"Filter":"not (not (not (not (not (not (not (prototype Eq \\"\u202e\\"  [ gT \\">Bw9M\\")))))))"}',
      }),
    );
    expect(found.status).toBe(400);
    for (const member of ['"attributes":{"toString":true}', '"excludedAttributes":{"valueOf":1,"toString":1}', '"sortOrder":{"toString":1}', '"count":{"toString":1}', '"startIndex":[{"toString":1}]']) {
      const o = await passes(request({ kind: 'filter', method: 'POST', path: '/Groups/.search', headers: {}, body: `{${member}}` }));
      expect(o.status, member).toBe(400);
      expect(body(o).scimType).toBe('invalidValue');
    }
  });

  // Before: the 431 for oversized headers carried its JSON body on a HEAD too, which Node's client
  // reports as "Parse Error: Data after `Connection: close`" (fix: clientErrorHandler in src/http-limits.ts).
  it('a HEAD with oversized headers gets a 431 without a body', async () => {
    const o = await passes(request({ method: 'HEAD', path: `/Groups?filter=${'%C3%A9'.repeat(3000)}`, headers: { 'if-none-match': 'W/"1"' } }));
    expect(o.status).toBe(431);
    expect(o.responseText).toBe('');
    const get = await passes(request({ method: 'GET', path: `/Groups?filter=${'%C3%A9'.repeat(3000)}`, headers: {} }));
    expect(get.status).toBe(431);
    expect(errorDocumentProblems('GET', undefined, { status: get.status, headers: { 'content-type': 'application/scim+json' }, text: get.responseText })).toEqual([]);
  });
});
