import { describe, expect, it } from 'vitest';
import { patchBody, userBody, ZOOMINFO, type TestApp } from '../helpers/test-app.js';
import { adminUser, eventsOfType, userIdOf, type AdminApi, useResetAccountPerTest } from './support.js';

// PRODUCT.md §8.1 (over §3/§5): the lockout guard refuses a settings change that would leave no
// active Admin able to sign in, lists the Admins locked out, and yields to "force".

let t: TestApp;
let admin: AdminApi;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});

const settings = async () => (await admin.get('/settings').expect(200)).body as Record<string, unknown>;

async function provisionAdmin(userName = 'idp.admin@example.com'): Promise<string> {
  const res = await t.scim.post('/Users', userBody({ userName, emails: [{ value: userName, type: 'work' }], [ZOOMINFO]: { role: 'Admin' } })).expect(201);
  return res.body.id as string;
}

/** Claims the seeded local admin through SCIM: only possible under scimVisibility "all". */
async function claimSeededAdmin(how: 'patch' | 'put'): Promise<string> {
  await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
  const found = await t.scim.get('/Users?filter=userName%20eq%20%22admin%40example.com%22').expect(200);
  expect(found.body.totalResults).toBe(1);
  const id = found.body.Resources[0].id as string;
  if (how === 'patch') {
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'Owner' })).expect(200);
  } else {
    const { meta: _meta, ...current } = found.body.Resources[0];
    await t.scim.put(`/Users/${id}`, { ...current, title: 'Owner' }).expect(200);
  }
  return id;
}

describe('turning requireSso on', () => {
  it('is refused while the seeded local admin could then sign in by no method', async () => {
    const before = await settings();
    const res = await admin.patch('/settings', { requireSso: true }).expect(409);
    expect(res.body).toEqual({ error: 'lockout', message: expect.any(String), lockedOut: [{ userName: 'admin@example.com', reason: expect.any(String) }] });
    expect(res.body.message.length).toBeGreaterThan(0);
    expect(await settings()).toEqual(before);

    const refused = await eventsOfType(admin, 'guard.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.message).toContain('admin@example.com');
    expect(await eventsOfType(admin, 'settings.changed')).toHaveLength(0);
  });

  it('goes ahead with "force": true and journals guard.forced as a warning', async () => {
    const res = await admin.patch('/settings', { requireSso: true, force: true }).expect(200);
    expect(res.body.requireSso).toBe(true);
    expect(res.body).not.toHaveProperty('force');
    expect((await settings()).requireSso).toBe(true);
    const forced = await eventsOfType(admin, 'guard.forced');
    expect(forced).toHaveLength(1);
    expect(forced[0]).toMatchObject({ level: 'warning' });
    expect(forced[0]!.message).toContain('admin@example.com');
    expect(await eventsOfType(admin, 'settings.changed')).toHaveLength(1);
    // The forced lockout is real: the seeded admin can no longer sign in.
    const password = await admin.post('/sign-in-check', { userName: 'admin@example.com', method: 'password' }).expect(200);
    expect(password.body.allowed).toBe(false);
  });

  it('is allowed once an Admin provisioned through SCIM can sign in with SSO, though the local admin loses password sign-in', async () => {
    await provisionAdmin();
    const res = await admin.patch('/settings', { requireSso: true }).expect(200);
    expect(res.body.requireSso).toBe(true);
    const password = await admin.post('/sign-in-check', { userName: 'admin@example.com', method: 'password' }).expect(200);
    expect(password.body.allowed).toBe(false);
    const sso = await admin.post('/sign-in-check', { userName: 'idp.admin@example.com', method: 'sso' }).expect(200);
    expect(sso.body.allowed).toBe(true);
  });

  it.each(['patch', 'put'] as const)('is allowed without force once the seeded admin is claimed by a SCIM %s', async (how) => {
    await provisionAdmin();
    const id = await claimSeededAdmin(how);
    const claimed = await adminUser(admin, id);
    expect(claimed).toMatchObject({ userName: 'admin@example.com', ssoLinked: true, status: 'active', role: 'Admin' });
    const res = await admin.patch('/settings', { requireSso: true }).expect(200);
    expect(res.body.requireSso).toBe(true);
    expect(await eventsOfType(admin, 'guard.forced')).toHaveLength(0);
    expect(await eventsOfType(admin, 'guard.refused')).toHaveLength(0);
    const sso = await admin.post('/sign-in-check', { userName: 'admin@example.com', method: 'sso' }).expect(200);
    expect(sso.body.allowed).toBe(true);
  });

  it('is refused with zero Admins: the account is already locked, and the refusal says how to get back in', async () => {
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
    const id = await userIdOf(admin, 'admin@example.com');
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', value: { active: false } })).expect(200);
    const res = await admin.patch('/settings', { requireSso: true }).expect(409);
    expect(res.body).toMatchObject({ error: 'lockout', lockedOut: [] });
    expect(res.body.message).toContain('no active Admin');
    expect(res.body.message).toContain('scimVisibility');
    expect((await settings()).requireSso).toBe(false);
  });

  it('a readiness check names the admin who would be locked out', async () => {
    const items = (await admin.get('/readiness').expect(200)).body.items as { id: string; status: string; reason: string }[];
    const item = items.find((i) => i.id === 'require-sso-safe')!;
    expect(item.status).toBe('fail');
    expect(item.reason).toContain('admin@example.com');
    await claimSeededAdmin('patch');
    const after = ((await admin.get('/readiness').expect(200)).body.items as { id: string; status: string }[]).find((i) => i.id === 'require-sso-safe')!;
    expect(after.status).toBe('pass');
  });
});

describe('turning ssoConfigured off', () => {
  it('is guarded while requireSso is on', async () => {
    await claimSeededAdmin('patch');
    await admin.patch('/settings', { requireSso: true }).expect(200);
    const before = await settings();
    const res = await admin.patch('/settings', { ssoConfigured: false }).expect(409);
    expect(res.body.error).toBe('lockout');
    expect(res.body.lockedOut).toEqual([{ userName: 'admin@example.com', reason: expect.any(String) }]);
    expect(await settings()).toEqual(before);
    expect(await eventsOfType(admin, 'guard.refused')).toHaveLength(1);

    const forced = await admin.patch('/settings', { ssoConfigured: false, force: true }).expect(200);
    expect(forced.body.ssoConfigured).toBe(false);
    expect(await eventsOfType(admin, 'guard.forced')).toHaveLength(1);
  });

  it('is allowed while requireSso is off (the local admin keeps password sign-in)', async () => {
    await admin.patch('/settings', { ssoConfigured: false }).expect(200);
    expect(await eventsOfType(admin, 'guard.refused')).toHaveLength(0);
  });

  it('is refused, even with requireSso off, when the only Admin was provisioned by SCIM', async () => {
    // A SCIM-provisioned user has no ZoomInfo password: without SSO it cannot sign in at all.
    await provisionAdmin('sso.only.admin@example.com');
    await admin.patch('/users/' + (await userIdOf(admin, 'admin@example.com')), { role: 'User' }).expect(200);
    const res = await admin.patch('/settings', { ssoConfigured: false }).expect(409);
    expect(res.body.lockedOut).toEqual([{ userName: 'sso.only.admin@example.com', reason: expect.stringMatching(/SSO/) }]);
    expect((await settings()).ssoConfigured).toBe(true);
  });

  it('both at once is refused', async () => {
    await claimSeededAdmin('patch');
    const res = await admin.patch('/settings', { requireSso: true, ssoConfigured: false }).expect(409);
    expect(res.body.error).toBe('lockout');
  });
});
