import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Test } from 'supertest';
import { ADMIN_TOKEN, SCIM_TOKEN, createTestApp, patchBody, userBody, GROUP_SCHEMA, USER_SCHEMA, type TestApp } from '../helpers/test-app.js';

interface Tenant {
  id: string;
  base: string;
  token: string;
  userId: string;
  userName: string;
  groupId: string;
}

let t: TestApp;
const tenants: Record<'default' | 'acme', Tenant> = {} as never;

const scim = (tenant: Tenant, token: string, method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, body?: unknown): Test => {
  const req = t.http[method](`${tenant.base}${path}`).set('Authorization', `Bearer ${token}`);
  return body === undefined ? req : req.set('Content-Type', 'application/scim+json').send(body as object);
};
const admin = (method: 'get' | 'post' | 'patch' | 'delete', path: string, account: string) =>
  t.http[method](`/admin/api${path}${path.includes('?') ? '&' : '?'}account=${account}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);

async function populate(tenant: Omit<Tenant, 'userId' | 'userName' | 'groupId'>): Promise<Tenant> {
  const userName = `someone@${tenant.id}.test`;
  const user = await scim(tenant as Tenant, tenant.token, 'post', '/Users', userBody({ userName })).expect(201);
  const group = await scim(tenant as Tenant, tenant.token, 'post', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `team ${tenant.id}`, members: [{ value: user.body.id }] }).expect(201);
  return { ...tenant, userId: user.body.id, userName, groupId: group.body.id };
}

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.http.post('/admin/api/accounts').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ id: 'acme', name: 'Acme Corp' }).expect(201);
  expect(created.body).toMatchObject({ id: 'acme', name: 'Acme Corp', scimBaseUrl: expect.stringMatching(/\/accounts\/acme\/scim\/v2$/), scimToken: expect.any(String) });
  tenants.default = await populate({ id: 'default', base: '/scim/v2', token: SCIM_TOKEN });
  tenants.acme = await populate({ id: 'acme', base: '/accounts/acme/scim/v2', token: created.body.scimToken });
});
afterAll(() => t.close());

const pairs: ['default' | 'acme', 'default' | 'acme'][] = [
  ['default', 'acme'],
  ['acme', 'default'],
];

/** Every SCIM route, as [method, path, body] for a given target account's resources. */
const scimRoutes = (target: Tenant): [string, 'get' | 'post' | 'put' | 'patch' | 'delete', string, unknown?][] => [
  ['list users', 'get', '/Users'],
  ['search users', 'post', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] }],
  ['create user', 'post', '/Users', userBody()],
  ['get user', 'get', `/Users/${target.userId}`],
  ['replace user', 'put', `/Users/${target.userId}`, { schemas: [USER_SCHEMA], userName: target.userName, title: 'x' }],
  ['patch user', 'patch', `/Users/${target.userId}`, patchBody({ op: 'replace', path: 'title', value: 'x' })],
  ['delete user', 'delete', `/Users/${target.userId}`],
  ['list groups', 'get', '/Groups'],
  ['search groups', 'post', '/Groups/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] }],
  ['create group', 'post', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'x' }],
  ['get group', 'get', `/Groups/${target.groupId}`],
  ['replace group', 'put', `/Groups/${target.groupId}`, { schemas: [GROUP_SCHEMA], displayName: 'x' }],
  ['patch group', 'patch', `/Groups/${target.groupId}`, patchBody({ op: 'replace', path: 'displayName', value: 'x' })],
  ['delete group', 'delete', `/Groups/${target.groupId}`],
  ['bulk', 'post', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] }],
  ['service provider config', 'get', '/ServiceProviderConfig'],
  ['resource types', 'get', '/ResourceTypes'],
  ['resource type', 'get', '/ResourceTypes/User'],
  ['schemas', 'get', '/Schemas'],
  ['schema', 'get', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User'],
];

describe.each(pairs)('account %s cannot reach account %s', (fromId, toId) => {
  it("its token is refused (401) on every route of the other account's SCIM API", async () => {
    const from = tenants[fromId];
    const to = tenants[toId];
    for (const [name, method, path, body] of scimRoutes(to)) {
      const res = await scim(to, from.token, method, path, body);
      expect(res.status, name).toBe(401);
    }
  });

  it("on its own SCIM API, the other account's resources do not exist", async () => {
    const from = tenants[fromId];
    const to = tenants[toId];
    for (const [name, method, path, body] of scimRoutes(to).filter(([, , p]) => p.includes(to.userId) || p.includes(to.groupId))) {
      const res = await scim(from, from.token, method, path, body);
      expect(res.status, name).toBe(404);
    }
    const users = await scim(from, from.token, 'get', `/Users?filter=userName%20eq%20%22${to.userName}%22`).expect(200);
    expect(users.body.totalResults).toBe(0);
    const member = await scim(from, from.token, 'post', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `steal ${toId}`, members: [{ value: to.userId }] });
    expect(member.status).toBe(400); // a member must be a user of this account
    // And the other account's data is untouched by all of the above.
    const still = await scim(to, to.token, 'get', `/Users/${to.userId}`).expect(200);
    expect(still.body.title).toBeUndefined();
    expect((await scim(to, to.token, 'get', `/Groups/${to.groupId}`).expect(200)).body.displayName).toBe(`team ${toId}`);
  });

  it('every admin route with ?account= sees only that account', async () => {
    const from = tenants[fromId];
    const to = tenants[toId];
    const users = await admin('get', '/users', fromId).expect(200);
    expect(users.body.items.map((u: { userName: string }) => u.userName)).not.toContain(to.userName);
    expect(users.body.items.map((u: { userName: string }) => u.userName)).toContain(from.userName);
    await admin('get', `/users/${to.userId}`, fromId).expect(404);
    await admin('get', `/users/${from.userId}`, fromId).expect(200);
    const groups = await admin('get', '/groups', fromId).expect(200);
    expect(groups.body.items.map((g: { id: string }) => g.id)).toEqual([from.groupId]);
    await admin('get', `/groups/${to.groupId}`, fromId).expect(404);
    const events = await admin('get', '/events', fromId).expect(200);
    expect(events.body.items.some((e: { userId?: string }) => e.userId === to.userId)).toBe(false);
    const check = await admin('post', '/sign-in-check', fromId).send({ userName: to.userName, method: 'sso' }).expect(200);
    expect(check.body.allowed).toBe(false);
    const readiness = await admin('get', '/readiness', fromId).expect(200);
    expect(readiness.body.items.find((i: { id: string }) => i.id === 'users-provisioned').reason).toMatch(/^1 user/);
    const local = await admin('post', '/users', fromId).send({ userName: `local.${toId}@x.test` }).expect(201);
    await admin('get', `/users/${local.body.id}`, toId).expect(404);
  });

  it('settings, tokens and reset of one account leave the other alone', async () => {
    const from = tenants[fromId];
    const to = tenants[toId];
    await admin('patch', '/settings', fromId).send({ scimVisibility: 'all', faults: { latencyMs: 1 } }).expect(200);
    expect((await admin('get', '/settings', toId).expect(200)).body).toMatchObject({ scimVisibility: 'scim-only', faults: { latencyMs: 0 } });
    await admin('patch', '/settings', fromId).send({ scimVisibility: 'scim-only', faults: { latencyMs: 0 } }).expect(200);

    const rotated = await admin('post', '/scim-token', fromId).expect(201);
    await scim(from, from.token, 'get', '/Users').expect(401);
    await scim(to, to.token, 'get', '/Users').expect(200);
    from.token = rotated.body.token;
    await scim(from, from.token, 'get', '/Users').expect(200);

    // The SCIM token of one account is not an admin credential anywhere.
    await t.http.get(`/admin/api/users?account=${toId}`).set('Authorization', `Bearer ${to.token}`).expect(403);
    await t.http.get(`/admin/api/users?account=${fromId}`).set('Authorization', `Bearer ${to.token}`).expect(401);
  });
});

describe('accounts admin API', () => {
  it('lists, refuses duplicates and bad ids, deletes, and keeps the default', async () => {
    const list = await t.http.get('/admin/api/accounts').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(list.body).toMatchObject({ total: 2, page: 1, pageSize: 50 });
    expect(list.body.items.map((a: { id: string }) => a.id).sort()).toEqual(['acme', 'default']);
    const auth = (test: Test) => test.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect((await auth(t.http.post('/admin/api/accounts')).send({ id: 'acme' }).expect(409)).body.error).toBe('exists');
    expect((await auth(t.http.post('/admin/api/accounts')).send({ id: 'Bad_Id' }).expect(400)).body.message).toMatch(/^id:/);
    expect((await auth(t.http.delete('/admin/api/accounts/default')).expect(409)).body.error).toBe('default_account');
    await auth(t.http.get('/admin/api/users?account=nowhere')).expect(404);
    await auth(t.http.post('/admin/api/accounts')).send({ id: 'temp' }).expect(201);
    await auth(t.http.delete('/admin/api/accounts/temp')).expect(204);
    await auth(t.http.delete('/admin/api/accounts/temp')).expect(404);
    await t.http.get('/accounts/temp/scim/v2/Users').set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(401);
    await t.http.get('/accounts/default/scim/v2/Users').set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(404);
  });

  it("points every account's ServiceProviderConfig at the one /docs page", async () => {
    const config = await scim(tenants.acme, tenants.acme.token, 'get', '/ServiceProviderConfig').expect(200);
    expect(new URL(config.body.documentationUri).pathname).toBe('/docs');
  });
});
