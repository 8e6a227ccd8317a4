import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, SCIM_TOKEN, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
});
afterAll(() => t.close());

const requestEvents = async () => {
  // Reads are journaled a moment after the answer (deferred), hence the short wait.
  await new Promise((r) => setTimeout(r, 30));
  const res = await t.http.get('/admin/api/events?type=request&pageSize=500').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
  return res.body.items as { method: string; path: string; status: number; idp: string }[];
};

describe('a request that reaches no route (PRODUCT.md §8.3)', () => {
  it.each([
    ['/Users', '/scim/v2/Users'],
    ['/scim/Users', '/scim/v2/Users'],
    ['/v2/Users?filter=userName%20eq%20%22a%22', '/scim/v2/Users?filter=userName%20eq%20%22a%22'],
    ['/accounts/staging/Groups', '/accounts/staging/scim/v2/Groups'],
  ])('GET %s is a JSON 404 naming the base URL and the URL probably meant', async (path, meant) => {
    const res = await t.http.get(path).set('Authorization', `Bearer ${SCIM_TOKEN}`).set('User-Agent', 'Okta SCIM Client 1.0').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    expect(res.body.detail).toContain(`The SCIM base URL is ${base}/scim/v2`);
    expect(res.body.detail).toContain(`Did you mean ${base}${meant} ?`);
    expect(res.body.scimBaseUrls).toEqual([`${base}/scim/v2`, `${base}/accounts/{id}/scim/v2`]);
    const event = (await requestEvents()).find((e) => e.path === path);
    expect(event).toMatchObject({ method: 'GET', status: 404, idp: 'okta' });
  });

  it('answers / and a POST with a SCIM body the same way, without reading the body', async () => {
    const root = await t.http.get('/').expect(404);
    expect(root.body.detail).toMatch(/^No route GET \/\. The SCIM base URL is/);
    const post = await t.http.post('/v2/Users').set('Content-Type', 'application/scim+json').send({ userName: 'x', password: 'never-journaled' }).expect(404);
    expect(post.body.detail).toContain(`Did you mean ${base}/scim/v2/Users ?`);
    const events = await requestEvents();
    expect(events.find((e) => e.path === '/v2/Users')).toMatchObject({ method: 'POST', status: 404 });
    expect(JSON.stringify(events)).not.toContain('never-journaled');
  });

  it('journals at most 2,000 characters of the path', async () => {
    const long = `/${'x'.repeat(5000)}`;
    await t.http.get(long).expect(404);
    const event = (await requestEvents()).find((e) => e.path.startsWith('/xxx'))!;
    expect(event.path).toHaveLength(2001);
    expect(event.path.endsWith('…')).toBe(true);
  });
});

describe('a SCIM 401 says which mistake it was', () => {
  it.each([
    ['no header', undefined, /^an Authorization: Bearer token is required$/],
    ['the token without a scheme', SCIM_TOKEN, /no Bearer scheme: send "Authorization: Bearer <SCIM token>"/],
    ['Basic auth', `Basic ${Buffer.from(`admin:${SCIM_TOKEN}`).toString('base64')}`, /^Basic authentication is not supported/],
    ['the admin token', `Bearer ${ADMIN_TOKEN}`, /^that is the admin token, which is for \/admin\/api; the SCIM API takes the SCIM token$/],
    ['a wrong token', 'Bearer not-the-token-at-all-000', /^the bearer token is not valid for this SCIM API$/],
  ])('%s', async (_name, authorization, detail) => {
    const call = t.http.get('/scim/v2/Users');
    if (authorization) call.set('Authorization', authorization);
    const res = await call.expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body.status).toBe('401');
    expect(res.body.detail).toMatch(detail);
  });
});
