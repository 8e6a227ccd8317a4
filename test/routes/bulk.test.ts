import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, userBody, GROUP_SCHEMA, USER_SCHEMA, PATCH_OP, type TestApp } from '../helpers/test-app.js';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ BULK_MAX_OPERATIONS: '20', BULK_MAX_PAYLOAD: '64kb' });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.http.post('/admin/api/reset').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
});

const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => t.scim.post('/Bulk', { schemas: [BULK], Operations, ...extra });
const user = (bulkId: string, userName: string) => ({ method: 'POST', path: '/Users', bulkId, data: { schemas: [USER_SCHEMA], userName } });

describe('POST /Bulk (RFC 7644 §3.7)', () => {
  it('is advertised with its limits', async () => {
    const config = await t.scim.get('/ServiceProviderConfig').expect(200);
    expect(config.body.bulk).toEqual({ supported: true, maxOperations: 20, maxPayloadSize: 64 * 1024 });
  });

  it('runs POST, PUT, PATCH and DELETE, answering each with its status, location and version', async () => {
    const existing = await t.scim.post('/Users', userBody({ title: 'old' })).expect(201);
    const doomed = await t.scim.post('/Users', userBody()).expect(201);
    const res = await bulk([
      user('new', 'bulk.new@example.com'),
      { method: 'PUT', path: `/Users/${existing.body.id}`, data: { schemas: [USER_SCHEMA], userName: existing.body.userName, title: 'put' } },
      { method: 'PATCH', path: `/Users/${existing.body.id}`, data: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] } },
      { method: 'DELETE', path: `/Users/${doomed.body.id}` },
    ]).expect(200);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '200', '200', '204']);
    expect(res.body.Operations[0]).toMatchObject({ method: 'POST', bulkId: 'new', location: expect.stringMatching(/\/scim\/v2\/Users\/[\w-]+$/), version: expect.stringMatching(/^W\//) });
    const after = await t.scim.get(`/Users/${existing.body.id}`).expect(200);
    expect(after.body).toMatchObject({ title: 'put', active: false }); // the Entra "False" went through the normaliser
    await t.scim.get(`/Users/${doomed.body.id}`).expect(404);
  });

  it('resolves bulkId references across operations, in any order', async () => {
    const res = await bulk([
      { method: 'POST', path: '/Groups', bulkId: 'team', data: { schemas: [GROUP_SCHEMA], displayName: 'Bulk team', members: [{ value: 'bulkId:ada' }, { value: 'bulkId:alan' }] } },
      user('ada', 'ada@bulk.test'),
      user('alan', 'alan@bulk.test'),
      { method: 'PATCH', path: '/Groups/bulkId:team', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Bulk team renamed' }] } },
    ]).expect(200);
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '201', '201', '200']);
    const groupId = (res.body.Operations[0].location as string).split('/').pop();
    const group = await t.scim.get(`/Groups/${groupId}`).expect(200);
    expect(group.body.displayName).toBe('Bulk team renamed');
    const ids = res.body.Operations.slice(1, 3).map((o: { location: string }) => o.location.split('/').pop()).sort();
    expect(group.body.members.map((m: { value: string }) => m.value).sort()).toEqual(ids);
  });

  it('refuses circular references with 409 and unknown ones with 404, running the rest', async () => {
    const res = await bulk([
      { method: 'POST', path: '/Groups', bulkId: 'a', data: { schemas: [GROUP_SCHEMA], displayName: 'A', members: [{ value: 'bulkId:b' }] } },
      { method: 'POST', path: '/Groups', bulkId: 'b', data: { schemas: [GROUP_SCHEMA], displayName: 'B', members: [{ value: 'bulkId:a' }] } },
      { method: 'POST', path: '/Groups', bulkId: 'c', data: { schemas: [GROUP_SCHEMA], displayName: 'C', members: [{ value: 'bulkId:nowhere' }] } },
      user('fine', 'fine@bulk.test'),
    ]).expect(200);
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['409', '409', '404', '201']);
    expect(res.body.Operations[0].response).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409' });
    expect((await t.scim.get('/Groups').expect(200)).body.totalResults).toBe(0);
  });

  it('is not atomic: a failure leaves the earlier operations applied (RFC 7644 §3.7)', async () => {
    const res = await bulk([user('one', 'one@bulk.test'), user('dup', 'one@BULK.test'), user('two', 'two@bulk.test')]).expect(200);
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '409', '201']);
    expect(res.body.Operations[1].response.scimType).toBe('uniqueness');
    expect((await t.scim.get('/Users?filter=userName%20ew%20%22bulk.test%22').expect(200)).body.totalResults).toBe(2);
  });

  it('stops after failOnErrors errors and reports only what ran', async () => {
    const res = await bulk([user('a', 'x@bulk.test'), user('b', 'x@bulk.test'), user('c', 'x@bulk.test'), user('d', 'y@bulk.test')], { failOnErrors: 2 }).expect(200);
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '409', '409']);
    await t.scim.get('/Users?filter=userName%20eq%20%22y@bulk.test%22').expect(200).then((r) => expect(r.body.totalResults).toBe(0));
  });

  it('journals every operation as its own request', async () => {
    await bulk([user('j1', 'j1@bulk.test'), user('j2', 'j2@bulk.test')]).expect(200);
    const events = await t.http.get('/admin/api/events?type=request').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const paths = events.body.items.map((e: { method: string; path: string; status: number }) => `${e.method} ${e.path} ${e.status}`);
    expect(paths).toEqual(expect.arrayContaining(['POST /scim/v2/Users 201', 'POST /scim/v2/Bulk 200']));
    expect(paths.filter((p: string) => p === 'POST /scim/v2/Users 201')).toHaveLength(2);
  });

  it('enforces maxOperations and maxPayloadSize with 413 tooMany, applying nothing', async () => {
    const many = Array.from({ length: 21 }, (_, i) => user(`u${i}`, `u${i}@bulk.test`));
    const tooManyOps = await bulk(many).expect(413);
    expect(tooManyOps.body).toMatchObject({ status: '413', scimType: 'tooMany' });
    const big = await bulk([{ ...user('big', 'big@bulk.test'), data: { schemas: [USER_SCHEMA], userName: 'big@bulk.test', title: 'x'.repeat(70 * 1024) } }]).expect(413);
    expect(big.body).toMatchObject({ status: '413', scimType: 'tooMany' });
    expect((await t.scim.get('/Users?filter=userName%20ew%20%22bulk.test%22').expect(200)).body.totalResults).toBe(0);
  });

  it('refuses a malformed request as a whole', async () => {
    await t.scim.post('/Bulk', { schemas: [BULK] }).expect(400);
    await t.scim.post('/Bulk', { Operations: [] }).expect(400);
    const noBulkId = await bulk([{ method: 'POST', path: '/Users', data: { schemas: [USER_SCHEMA], userName: 'x@bulk.test' } }]).expect(400);
    expect(noBulkId.body.detail).toMatch(/bulkId/);
    await bulk([{ method: 'GET', path: '/Users' }]).expect(400);
  });
});
