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

describe('SCIM writes with several Admins (the guard reads up to the first who can sign in)', () => {
  it('passes over Admins who cannot sign in, and names only the one a write locks out', async () => {
    const a = await provisionAdmin('idp.admin.a@example.com');
    const b = await provisionAdmin('idp.admin.b@example.com');
    // The seeded local owner, the oldest Admin, can no longer sign in: the check must look further.
    await admin.patch('/settings', { requireSso: true }).expect(200);

    await t.scim.patch(`/Users/${a}`, patchBody({ op: 'replace', path: 'active', value: false })).expect(200);
    expect(await eventsOfType(admin, 'guard.breached')).toHaveLength(0);

    // B was the last Admin able to sign in: the write is undone, run again with the full check,
    // and goes through (guard.scim "warn") with one breach naming B, linked to its request.
    const res = await t.scim.patch(`/Users/${b}`, patchBody({ op: 'replace', path: 'active', value: false })).expect(200);
    expect(res.body.active).toBe(false);
    const breached = await eventsOfType(admin, 'guard.breached');
    expect(breached).toHaveLength(1);
    expect(breached[0]).toMatchObject({ level: 'error', userId: b });
    expect(breached[0]!.message).toContain('idp.admin.b@example.com');
    const request = (await admin.get(`/events/${breached[0]!.requestEventId}`).expect(200)).body;
    expect(request).toMatchObject({ type: 'request', status: 200, userId: b });
    expect(await eventsOfType(admin, 'user.deprovisioned')).toHaveLength(2);
    expect(await adminUser(admin, b)).toMatchObject({ status: 'deprovisioned' });
  });

  it('under guard.scim "refuse" the same write is 409 and changes nothing', async () => {
    const a = await provisionAdmin('idp.admin.a@example.com');
    await admin.patch('/settings', { requireSso: true, guard: { scim: 'refuse' } }).expect(200);
    const res = await t.scim.patch(`/Users/${a}`, patchBody({ op: 'replace', path: 'active', value: false })).expect(409);
    expect(res.body.detail).toContain('idp.admin.a@example.com');
    expect(await adminUser(admin, a)).toMatchObject({ status: 'active' });
    expect(await eventsOfType(admin, 'user.deprovisioned')).toHaveLength(0);
    expect(await eventsOfType(admin, 'guard.refused')).toHaveLength(1);
  });
});

describe('admin-side actions (PRODUCT.md §8.1)', () => {
  const seededId = () => userIdOf(admin, 'admin@example.com');

  it('deactivating or demoting the last Admin who can sign in is refused, and "force" goes ahead', async () => {
    const id = await seededId();
    for (const change of [{ active: false }, { role: 'User' }]) {
      const res = await admin.patch(`/users/${id}`, change).expect(409);
      expect(res.body).toMatchObject({ error: 'lockout', lockedOut: [] });
      expect(res.body.message).toContain('no active Admin');
      expect(await adminUser(admin, id)).toMatchObject({ status: 'active', role: 'Admin' });
    }
    expect(await eventsOfType(admin, 'guard.refused')).toHaveLength(2);
    const forced = await admin.patch(`/users/${id}`, { active: false, force: true }).expect(200);
    expect(forced.body).toMatchObject({ status: 'deprovisioned', deprovisionedBy: { trigger: 'active-false', method: 'PATCH' } });
    expect(await eventsOfType(admin, 'guard.forced')).toHaveLength(1);
    expect(await eventsOfType(admin, 'user.deprovisioned')).toHaveLength(1);
  });

  it('demoting one of two Admins who can sign in goes ahead, journaled as a warning', async () => {
    await provisionAdmin();
    const id = await seededId();
    const res = await admin.patch(`/users/${id}`, { role: 'User' }).expect(200);
    expect(res.body.role).toBe('User');
    const updated = await eventsOfType(admin, 'user.updated');
    expect(updated[0]).toMatchObject({ level: 'warning', userId: id, data: { role: { from: 'Admin', to: 'User' } } });
  });

  it('a user provisioned by the IdP is changed in the IdP, not here', async () => {
    const id = await provisionAdmin();
    const res = await admin.patch(`/users/${id}`, { active: false }).expect(409);
    expect(res.body.error).toBe('managed_by_idp');
  });

  it('creating a local Admin who could not sign in is refused while no Admin can', async () => {
    await admin.patch('/settings', { requireSso: true, force: true }).expect(200);
    const res = await admin.post('/users', { userName: 'new.owner@example.com', role: 'Admin', password: 'x' }).expect(409);
    expect(res.body.error).toBe('lockout');
    expect(res.body.message).toContain('scimVisibility');
    expect((await admin.get('/users?q=new.owner').expect(200)).body.total).toBe(0);
    await admin.post('/users', { userName: 'new.owner@example.com', role: 'Admin', force: true }).expect(201);
    // A local User (not an Admin) is no part of the invariant: created as before.
    await admin.post('/users', { userName: 'staff@example.com' }).expect(201);
  });

  it('a reset while Require SSO is on is refused (the re-seeded owner could not sign in), unless forced', async () => {
    await t.scim.post('/Users', userBody()).expect(201);
    await provisionAdmin();
    await admin.patch('/settings', { requireSso: true }).expect(200);
    const res = await admin.post('/reset').expect(409);
    expect(res.body.error).toBe('lockout');
    expect((await admin.get('/users').expect(200)).body.total).toBe(3);
    expect(await eventsOfType(admin, 'guard.refused')).toHaveLength(1);
    await admin.post('/reset', { force: true }).expect(200);
    expect((await admin.get('/users').expect(200)).body.total).toBe(1);
    expect(await eventsOfType(admin, 'guard.forced')).toHaveLength(1);
  });

  it('bad input to guard.scim is a 400 naming the field and changes nothing', async () => {
    const before = await settings();
    const res = await admin.patch('/settings', { guard: { scim: 'maybe' } }).expect(400);
    expect(res.body).toMatchObject({ error: 'invalid_input', field: 'guard.scim' });
    await admin.patch('/settings', { guard: { scim: 'refuse', other: 1 } }).expect(400);
    expect(await settings()).toEqual(before);
  });
});

describe('GET /admin/api/admin-access', () => {
  it('answers the invariant with every active Admin and how they sign in', async () => {
    const ok = (await admin.get('/admin-access').expect(200)).body;
    expect(ok).toMatchObject({ holds: true, admins: [{ userName: 'admin@example.com', canSignIn: true, reason: expect.stringContaining('password') }] });
    await admin.patch('/settings', { requireSso: true, force: true }).expect(200);
    const broken = (await admin.get('/admin-access').expect(200)).body;
    expect(broken.holds).toBe(false);
    expect(broken.admins[0]).toMatchObject({ canSignIn: false });
    expect(broken.summary).toContain('To fix it');
  });
});
