import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, LIST_RESPONSE } from '../helpers/scim-http.js';
import { createTestApp, SCIM_TOKEN, userBody, type TestApp } from '../helpers/test-app.js';

// PRODUCT.md §4 over real HTTP: the media type answered for each Accept, and URLs as IdPs write them
// (a trailing "?" or "&", "+" for spaces in a filter). The plain http client sends the path byte for
// byte and no header it is not given.

let t: TestApp;
let userId: string;
const auth = { authorization: `Bearer ${SCIM_TOKEN}` };

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.scim.post('/Users', userBody({ userName: 'a+b@example.com', externalId: 'jyoung' })).expect(201);
  userId = created.body.id as string;
  await t.scim.post('/Users', userBody({ userName: 'other@example.com', externalId: 'someone else' })).expect(201);
});
afterAll(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) => rawRequest(t, 'GET', `/scim/v2${path}`, undefined, { ...auth, ...headers });
const mediaType = (res: { headers: Record<string, string | string[] | undefined> }) => String(res.headers['content-type']).split(';')[0];

describe('content negotiation', () => {
  it.each([
    ['no Accept', undefined, 'application/scim+json'],
    ['Accept: application/scim+json', 'application/scim+json', 'application/scim+json'],
    ['Accept: */*', '*/*', 'application/scim+json'],
    ['Accept: application/json (OneLogin)', 'application/json', 'application/json'],
    ['Accept: application/json; charset=utf-8', 'application/json; charset=utf-8', 'application/json'],
    ['Accept: application/scim+json, application/json', 'application/scim+json, application/json', 'application/scim+json'],
    ['Accept: application/json, application/scim+json', 'application/json, application/scim+json', 'application/scim+json'],
    ['Accept: APPLICATION/JSON', 'APPLICATION/JSON', 'application/json'],
  ])('%s -> %s', async (_label, accept, expected) => {
    const res = await get(`/Users/${userId}`, accept === undefined ? {} : { accept });
    expect(res.status).toBe(200);
    expect(mediaType(res)).toBe(expected);
    expect((res.body as { id?: unknown }).id).toBe(userId);
  });

  it('answers a list, a create and an error in the negotiated type too', async () => {
    const list = await get('/Users', { accept: 'application/json' });
    expect(mediaType(list)).toBe('application/json');
    expect((list.body as { schemas: string[] }).schemas).toEqual([LIST_RESPONSE]);

    const created = await rawRequest(t, 'POST', '/scim/v2/Users', JSON.stringify(userBody()), { ...auth, 'content-type': 'application/json', accept: 'application/json' });
    expect(created.status).toBe(201);
    expect(mediaType(created)).toBe('application/json');

    const missing = await get('/Users/no-such-id', { accept: 'application/json' });
    expect(missing.status).toBe(404);
    expect(mediaType(missing)).toBe('application/json');
    expect(mediaType(await get('/Users/no-such-id'))).toBe('application/scim+json');
  });

  it('reads a JSON POST that has no Content-Type at all (Okta\'s test suite)', async () => {
    const res = await rawRequest(t, 'POST', '/scim/v2/Users', JSON.stringify(userBody({ displayName: 'No Type' })), auth);
    expect(res.status, res.text).toBe(201);
    expect((res.body as { displayName?: unknown }).displayName).toBe('No Type');
    expect(mediaType(res)).toBe('application/scim+json');
  });
});

describe('URLs as IdPs write them', () => {
  const total = (res: { body: unknown }) => (res.body as { totalResults?: unknown }).totalResults;

  it('ignores a trailing "?" on a collection and on a resource', async () => {
    const list = await get('/Users?');
    expect(list.status).toBe(200);
    expect((list.body as { schemas: string[] }).schemas).toEqual([LIST_RESPONSE]);

    const one = await get(`/Users/${userId}?`);
    expect(one.status).toBe(200);
    expect((one.body as { id: string }).id).toBe(userId);
  });

  it('ignores a trailing "&" after the query', async () => {
    const filtered = await get('/Users?filter=userName%20eq%20%22a%2Bb%40example.com%22&');
    expect(filtered.status).toBe(200);
    expect(total(filtered)).toBe(1);

    const paged = await get('/Users?startIndex=1&count=1&');
    expect(paged.status).toBe(200);
    expect((paged.body as { itemsPerPage: unknown }).itemsPerPage).toBe(1);
  });

  it('ignores a trailing "?" on a PATCH', async () => {
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Trailing' }] });
    const res = await rawRequest(t, 'PATCH', `/scim/v2/Users/${userId}?`, body, { ...auth, 'content-type': 'application/scim+json' });
    expect(res.status, res.text).toBe(200);
    expect((res.body as { title?: unknown }).title).toBe('Trailing');
  });

  it('reads "+" in a filter as a space, and "%2B" as a plus', async () => {
    const plus = await get('/Users?filter=userName+eq+%22a%2Bb%40example.com%22');
    expect(plus.status, plus.text).toBe(200);
    expect(total(plus)).toBe(1);
    expect((plus.body as { Resources: { id: string }[] }).Resources[0]!.id).toBe(userId);

    // A literal "+" inside the quoted value would be a space: "a b@example.com" matches no one.
    const space = await get('/Users?filter=userName+eq+%22a+b%40example.com%22');
    expect(space.status).toBe(200);
    expect(total(space)).toBe(0);
  });

  it('takes Entra\'s unquoted value with "+" for spaces, and operators in any case', async () => {
    const bare = await get('/Users?filter=externalId+eq+jyoung');
    expect(bare.status, bare.text).toBe(200);
    expect(total(bare)).toBe(1);

    const upper = await get('/Users?filter=EXTERNALID+EQ+%22someone+else%22');
    expect(upper.status, upper.text).toBe(200);
    expect(total(upper)).toBe(1);
  });
});
