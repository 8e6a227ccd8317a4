import { beforeEach, describe, expect, it } from 'vitest';
import { patchBody, userBody, GROUP_SCHEMA, type TestApp } from '../helpers/test-app.js';
import { expectScimError } from '../helpers/scim-http.js';
import { adminUser, userIdOf, type AdminApi, useResetAccountPerTest } from './support.js';

// PRODUCT.md §3 scimVisibility: "scim-only" hides local users from SCIM (but keeps their names
// taken); "all" shows them, and a SCIM write claims one (it becomes SSO-linked).

let t: TestApp;
let admin: AdminApi;
let adminId: string;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});
beforeEach(async () => {
  adminId = await userIdOf(admin, 'admin@example.com');
});

const filterByAdmin = '/Users?filter=userName%20eq%20%22admin%40example.com%22';

describe('scimVisibility "scim-only"', () => {
  it('SCIM neither lists nor GETs the local admin', async () => {
    await t.scim.post('/Users', userBody()).expect(201);
    const list = await t.scim.get('/Users').expect(200);
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources.map((r: { userName: string }) => r.userName)).not.toContain('admin@example.com');
    const filtered = await t.scim.get(filterByAdmin).expect(200);
    expect(filtered.body.totalResults).toBe(0);
    expect(filtered.body.Resources ?? []).toEqual([]);
    const byEmail = await t.scim.get('/Users?filter=emails.value%20eq%20%22admin%40example.com%22').expect(200);
    expect(byEmail.body.totalResults).toBe(0);
    expectScimError(await t.scim.get(`/Users/${adminId}`), 404);
  });

  it('SCIM cannot write the hidden local user either', async () => {
    expectScimError(await t.scim.patch(`/Users/${adminId}`, patchBody({ op: 'replace', path: 'active', value: false })), 404);
    expectScimError(await t.scim.put(`/Users/${adminId}`, userBody({ userName: 'admin@example.com' })), 404);
    expectScimError(await t.scim.delete(`/Users/${adminId}`), 404);
    expectScimError(await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: adminId }] }), 400);
    const after = await adminUser(admin, adminId);
    expect(after).toMatchObject({ status: 'active', ssoLinked: false, source: 'local' });
  });

  it('a POST of the hidden userName in another case is 409 uniqueness', async () => {
    const res = await t.scim.post('/Users', userBody({ userName: 'ADMIN@example.com' }));
    expectScimError(res, 409, 'uniqueness');
    const all = (await admin.get('/users?status=all').expect(200)).body;
    expect(all.total).toBe(1);
  });

  it('a rename onto the hidden userName is 409 uniqueness', async () => {
    const id = (await t.scim.post('/Users', userBody()).expect(201)).body.id as string;
    expectScimError(await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'userName', value: 'Admin@Example.com' })), 409, 'uniqueness');
  });
});

describe('scimVisibility "all"', () => {
  beforeEach(async () => {
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
  });

  it('SCIM lists and GETs the local admin', async () => {
    const list = await t.scim.get('/Users').expect(200);
    expect(list.body.Resources.map((r: { userName: string }) => r.userName)).toContain('admin@example.com');
    const filtered = await t.scim.get(filterByAdmin).expect(200);
    expect(filtered.body.totalResults).toBe(1);
    expect(filtered.body.Resources[0].id).toBe(adminId);
    const got = await t.scim.get(`/Users/${adminId}`).expect(200);
    expect(got.body).toMatchObject({ userName: 'admin@example.com', active: true });
    expect(got.body).not.toHaveProperty('password');
  });

  it('a POST of the same userName is still 409 uniqueness', async () => {
    expectScimError(await t.scim.post('/Users', userBody({ userName: 'admin@EXAMPLE.com' })), 409, 'uniqueness');
  });

  it('a SCIM PATCH claims the local user: SSO-linked from then on, and still visible under "scim-only"', async () => {
    expect((await adminUser(admin, adminId)).ssoLinked).toBe(false);
    await t.scim.patch(`/Users/${adminId}`, patchBody({ op: 'replace', path: 'title', value: 'Owner' })).expect(200);
    const claimed = await adminUser(admin, adminId);
    expect(claimed).toMatchObject({ ssoLinked: true, source: 'local', status: 'active', role: 'Admin' });
    expect(claimed.resource).toMatchObject({ title: 'Owner' });

    await admin.patch('/settings', { scimVisibility: 'scim-only' }).expect(200);
    await t.scim.get(`/Users/${adminId}`).expect(200);
  });

  it('a read does not claim', async () => {
    await t.scim.get(`/Users/${adminId}`).expect(200);
    await t.scim.get(filterByAdmin).expect(200);
    expect((await adminUser(admin, adminId)).ssoLinked).toBe(false);
  });

  it('a local user made in the admin API is visible and claimable too', async () => {
    const local = (await admin.post('/users', { userName: 'staff@example.com', name: { givenName: 'Staff', familyName: 'Member' } }).expect(201)).body;
    const got = await t.scim.get(`/Users/${local.id}`).expect(200);
    expect(got.body).toMatchObject({ userName: 'staff@example.com', name: { givenName: 'Staff', familyName: 'Member' } });
    await t.scim.put(`/Users/${local.id}`, { ...userBody({ userName: 'staff@example.com' }) }).expect(200);
    expect((await adminUser(admin, local.id)).ssoLinked).toBe(true);
  });
});
