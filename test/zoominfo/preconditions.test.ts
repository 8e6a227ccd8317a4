import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { patchBody, userBody, GROUP_SCHEMA, SCIM_TOKEN, type TestApp } from '../helpers/test-app.js';
import { expectScimError } from '../helpers/scim-http.js';
import { DEFAULT_ACCOUNT } from '../../src/store/accounts-repository.js';
import { eventsOfType, type AdminApi, useResetAccountPerTest } from './support.js';

// PRODUCT.md §3: ZoomInfo refuses SCIM until SSO is configured and while auto-provisioning is off,
// and issues no SCIM token without SSO; a rotated token replaces the old one at once.

let t: TestApp;
let admin: AdminApi;
let userId: string;
let groupId: string;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});
beforeEach(async () => {
  userId = (await t.scim.post('/Users', userBody()).expect(201)).body.id as string;
  groupId = (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Precondition group' }).expect(201)).body.id as string;
});
// Reset keeps tokens: a case that rotated the SCIM token puts the known one back.
afterEach(() => t.app.store.accounts.setToken(DEFAULT_ACCOUNT, 'scim', SCIM_TOKEN));

/** One of every kind of SCIM call: discovery, reads, searches and writes on both resources. */
const everyCall = (): [string, () => request.Test][] => [
  ['GET /ServiceProviderConfig', () => t.scim.get('/ServiceProviderConfig')],
  ['GET /ResourceTypes', () => t.scim.get('/ResourceTypes')],
  ['GET /Schemas', () => t.scim.get('/Schemas')],
  ['GET /Users', () => t.scim.get('/Users')],
  ['GET /Users/{id}', () => t.scim.get(`/Users/${userId}`)],
  ['POST /Users', () => t.scim.post('/Users', userBody())],
  ['POST /Users/.search', () => t.scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] })],
  ['PUT /Users/{id}', () => t.scim.put(`/Users/${userId}`, userBody())],
  ['PATCH /Users/{id}', () => t.scim.patch(`/Users/${userId}`, patchBody({ op: 'replace', path: 'active', value: false }))],
  ['DELETE /Users/{id}', () => t.scim.delete(`/Users/${userId}`)],
  ['GET /Groups', () => t.scim.get('/Groups')],
  ['POST /Groups', () => t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Refused group' })],
  ['PATCH /Groups/{id}', () => t.scim.patch(`/Groups/${groupId}`, patchBody({ op: 'replace', path: 'displayName', value: 'x' }))],
  ['DELETE /Groups/{id}', () => t.scim.delete(`/Groups/${groupId}`)],
  ['GET /Unknown', () => t.scim.get('/Unknown')],
];

async function expectNothingChanged(): Promise<void> {
  const user = (await admin.get(`/users/${userId}`).expect(200)).body;
  expect(user.status).toBe('active');
  await admin.get(`/groups/${groupId}`).expect(200);
  const users = (await admin.get('/users?status=all').expect(200)).body;
  expect(users.total).toBe(2); // the seeded admin and the one SCIM user
}

describe('ssoConfigured false', () => {
  beforeEach(async () => {
    await admin.patch('/settings', { ssoConfigured: false }).expect(200);
  });

  it.each(everyCall().map(([name, call]) => [name, call] as const))('%s is 403 naming the cause', async (_name, call) => {
    const res = await call();
    expectScimError(res, 403);
    expect(res.body.detail).toMatch(/SSO is not configured/);
    expect(res.body.detail).toContain('ssoConfigured');
    await expectNothingChanged();
  });

  it('a request without a valid token is still 401', async () => {
    const res = await t.http.get('/scim/v2/Users').set('Authorization', 'Bearer wrong');
    expectScimError(res, 401);
  });

  it('POST /admin/api/scim-token is 409 and the old token is kept', async () => {
    const res = await admin.post('/scim-token').expect(409);
    expect(res.body).toEqual({ error: expect.any(String), message: expect.stringContaining('ssoConfigured') });
    expect(await eventsOfType(admin, 'token.rotated')).toHaveLength(0);
    await admin.patch('/settings', { ssoConfigured: true }).expect(200);
    await t.scim.get('/Users').expect(200);
  });

  it('SCIM answers again once SSO is configured', async () => {
    await admin.patch('/settings', { ssoConfigured: true }).expect(200);
    await t.scim.get(`/Users/${userId}`).expect(200);
  });

  it('refused requests are journaled with their status', async () => {
    await t.scim.get('/Users').expect(403);
    const requests = await eventsOfType(admin, 'request');
    expect(requests[0]).toMatchObject({ method: 'GET', path: '/scim/v2/Users', status: 403 });
  });
});

describe('autoProvisioning false', () => {
  beforeEach(async () => {
    await admin.patch('/settings', { autoProvisioning: false }).expect(200);
  });

  it.each(everyCall().map(([name, call]) => [name, call] as const))('%s is 403 naming the cause', async (_name, call) => {
    const res = await call();
    expectScimError(res, 403);
    expect(res.body.detail).toContain('autoProvisioning');
    await expectNothingChanged();
  });

  it('a SCIM token can still be issued (SSO is configured)', async () => {
    await admin.post('/scim-token').expect(201);
  });
});

describe('SCIM token rotation', () => {
  it('answers 201 {token}; the old token is refused at once and the new one works', async () => {
    const res = await admin.post('/scim-token').expect(201);
    expect(Object.keys(res.body)).toEqual(['token']);
    const token = res.body.token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(token).not.toBe(SCIM_TOKEN);

    expectScimError(await t.scim.get('/Users'), 401);
    const fresh = await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${token}`).expect(200);
    expect(fresh.body.totalResults).toBe(1);

    // The admin token is untouched; the new SCIM token is refused on the admin API (403).
    await admin.get('/settings').expect(200);
    await t.http.get('/admin/api/settings').set('Authorization', `Bearer ${token}`).expect(403);
    await t.http.get('/admin/api/settings').set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(401);

    const rotated = await eventsOfType(admin, 'token.rotated');
    expect(rotated).toHaveLength(1);
    expect(JSON.stringify(rotated[0])).not.toContain(token);
  });

  it('reset keeps the rotated token', async () => {
    const { token } = (await admin.post('/scim-token').expect(201)).body as { token: string };
    await admin.post('/reset').expect(200);
    await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${token}`).expect(200);
    expectScimError(await t.scim.get('/Users'), 401);
  });
});
