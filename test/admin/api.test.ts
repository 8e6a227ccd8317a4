import { describe, expect, it } from 'vitest';
import { patchBody, userBody, ADMIN_TOKEN, GROUP_SCHEMA, SCIM_TOKEN, type TestApp } from '../helpers/test-app.js';
import { expectScimError } from '../helpers/scim-http.js';
import { adminUser, eventsOfType, userIdOf, usersWithStatus, type AdminApi, useResetAccountPerTest } from '../zoominfo/support.js';

// PRODUCT.md §5: the admin API: auth, list envelopes, users, groups, settings, reset, readiness.

let t: TestApp;
let admin: AdminApi;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});

const createScimUser = async (overrides: Record<string, unknown> = {}) => (await t.scim.post('/Users', userBody(overrides)).expect(201)).body as { id: string; userName: string };

describe('auth', () => {
  it('no token: 401', async () => {
    const res = await t.http.get('/admin/api/users').expect(401);
    expect(res.body).toEqual({ error: expect.any(String), message: expect.any(String) });
  });

  it('a wrong token: 401', async () => {
    const res = await t.http.get('/admin/api/users').set('Authorization', 'Bearer not-the-admin-token').expect(401);
    expect(res.body.error).toBe('unauthorized');
    await t.http.get('/admin/api/users').set('Authorization', `Basic ${ADMIN_TOKEN}`).expect(401);
  });

  it('the SCIM token: 403', async () => {
    const res = await t.http.get('/admin/api/users').set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(403);
    expect(res.body).toEqual({ error: 'forbidden', message: expect.any(String) });
    await t.http.post('/admin/api/reset').set('Authorization', `Bearer ${SCIM_TOKEN}`).expect(403);
  });

  it('the admin token on /scim/v2: 401', async () => {
    const res = await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expectScimError(res, 401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('every admin route is guarded, unknown ones included', async () => {
    for (const [method, path] of [
      ['get', '/admin/api/settings'],
      ['patch', '/admin/api/settings'],
      ['post', '/admin/api/scim-token'],
      ['post', '/admin/api/reset'],
      ['post', '/admin/api/sign-in-check'],
      ['get', '/admin/api/readiness'],
      ['get', '/admin/api/events'],
      ['get', '/admin/api/groups'],
      ['post', '/admin/api/users'],
      ['get', '/admin/api/nothing-here'],
    ] as const) {
      await t.http[method](path).expect(401);
    }
  });
});

describe('users list', () => {
  it('has the envelope {items,total,page,pageSize} with page 1 and pageSize 50 by default', async () => {
    const res = await admin.get('/users').expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'page', 'pageSize', 'total']);
    expect(res.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    const [seeded] = res.body.items;
    expect(seeded).toMatchObject({
      id: expect.any(String),
      userName: 'admin@example.com',
      name: { givenName: 'Account', familyName: 'Owner' },
      role: 'Admin',
      licenses: [],
      source: 'local',
      ssoLinked: false,
      status: 'active',
      deprovisionedAt: null,
      deprovisionedBy: null,
    });
  });

  it('clamps pageSize 1000 to 500 and pages', async () => {
    expect((await admin.get('/users?pageSize=1000').expect(200)).body.pageSize).toBe(500);
    for (let i = 0; i < 3; i++) await createScimUser();
    const page2 = await admin.get('/users?pageSize=2&page=2').expect(200);
    expect(page2.body).toMatchObject({ total: 4, page: 2, pageSize: 2 });
    expect(page2.body.items).toHaveLength(2);
    const page1 = await admin.get('/users?pageSize=2&page=1').expect(200);
    const ids = [...page1.body.items, ...page2.body.items].map((u: { id: string }) => u.id);
    expect(new Set(ids).size).toBe(4);
    expect((await admin.get('/users?pageSize=2&page=3').expect(200)).body.items).toEqual([]);
  });

  it.each([
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=abc', 'page'],
    ['pageSize=0', 'pageSize'],
    ['status=gone', 'status'],
  ])('%s is 400 naming the field', async (query, field) => {
    const res = await admin.get(`/users?${query}`).expect(400);
    expect(res.body.error).toBe('invalid_input');
    expect(res.body.message).toContain(field);
  });

  it('filters by status', async () => {
    const keep = await createScimUser();
    const gone = await createScimUser();
    await t.scim.patch(`/Users/${gone.id}`, patchBody({ op: 'replace', path: 'active', value: false })).expect(200);
    const active = await admin.get('/users?status=active').expect(200);
    expect(active.body.items.map((u: { id: string }) => u.id).sort()).toEqual([keep.id, await userIdOf(admin, 'admin@example.com')].sort());
    expect(active.body.total).toBe(2);
    const deprovisioned = await admin.get('/users?status=deprovisioned').expect(200);
    expect(deprovisioned.body.items.map((u: { id: string }) => u.id)).toEqual([gone.id]);
    expect(deprovisioned.body.total).toBe(1);
    expect((await admin.get('/users?status=all').expect(200)).body.total).toBe(3);
    expect((await admin.get('/users').expect(200)).body.total).toBe(3);
  });

  it('q searches userName, names and emails, without case', async () => {
    const a = await createScimUser({ userName: 'jdoe@corp.example', name: { givenName: 'Jane', familyName: 'Doe' }, emails: [{ value: 'jane.private@mail.example', type: 'home' }] });
    const b = await createScimUser({ userName: 'bsmith@corp.example', name: { givenName: 'Bob', familyName: 'Smithers' }, displayName: 'Bobby S' });
    const q = async (text: string) => ((await admin.get(`/users?q=${encodeURIComponent(text)}`).expect(200)).body.items as { id: string }[]).map((u) => u.id).sort();
    expect(await q('JDOE@')).toEqual([a.id]);
    expect(await q('jane')).toEqual([a.id]);
    expect(await q('doe')).toEqual([a.id]);
    expect(await q('Jane Doe')).toEqual([a.id]);
    expect(await q('private@mail')).toEqual([a.id]);
    expect(await q('smithers')).toEqual([b.id]);
    expect(await q('corp.example')).toEqual([a.id, b.id].sort());
    expect(await q('nobody-matches')).toEqual([]);
    // LIKE wildcards are searched literally.
    expect(await q('%')).toEqual([]);
    expect(await q('_')).toEqual([]);
    const withStatus = await admin.get('/users?status=deprovisioned&q=jane').expect(200);
    expect(withStatus.body.total).toBe(0);
  });
});

describe('POST /admin/api/users', () => {
  it('creates a local user: 201, not SSO-linked, journaled', async () => {
    const res = await admin.post('/users', { userName: 'owner2@example.com', name: { givenName: 'Second', familyName: 'Owner' }, role: 'Admin', password: 'correct horse' }).expect(201);
    expect(res.body).toMatchObject({ userName: 'owner2@example.com', role: 'Admin', source: 'local', ssoLinked: false, status: 'active', name: { givenName: 'Second', familyName: 'Owner' } });
    expect(res.body).not.toHaveProperty('password');
    expect(JSON.stringify(res.body)).not.toContain('correct horse');
    const detail = await adminUser(admin, res.body.id);
    expect(detail.timeline!.map((e) => e.type)).toEqual(['user.provisioned']);
    const events = await admin.get('/events?pageSize=500').expect(200);
    expect(JSON.stringify(events.body)).not.toContain('correct horse');
    expect((await admin.post('/sign-in-check', { userName: 'owner2@example.com', method: 'password' }).expect(200)).body.allowed).toBe(true);
  });

  it('defaults role to User', async () => {
    const res = await admin.post('/users', { userName: 'plain@example.com' }).expect(201);
    expect(res.body.role).toBe('User');
  });

  it('a duplicate userName, in any case, is 409', async () => {
    const res = await admin.post('/users', { userName: 'ADMIN@example.com' }).expect(409);
    expect(res.body).toEqual({ error: expect.any(String), message: expect.stringContaining('ADMIN@example.com') });
    const scim = await createScimUser();
    await admin.post('/users', { userName: scim.userName.toUpperCase() }).expect(409);
  });

  it.each([
    [{}, 'userName'],
    [{ userName: '' }, 'userName'],
    [{ userName: 42 }, 'userName'],
    [{ userName: 'x@example.com', role: 'Owner' }, 'role'],
    [{ userName: 'x@example.com', password: 12 }, 'password'],
    [{ userName: 'x@example.com', name: 'Jane' }, 'name'],
    [{ userName: 'x@example.com', shoeSize: 42 }, 'shoeSize'],
  ])('bad input %j is 400 naming %s', async (body, field) => {
    const res = await admin.post('/users', body).expect(400);
    expect(res.body.error).toBe('invalid_input');
    expect(res.body.message).toContain(field);
  });

  it('a body that is not JSON is 400', async () => {
    const res = await t.http.post('/admin/api/users').set('Authorization', `Bearer ${ADMIN_TOKEN}`).set('Content-Type', 'application/json').send('{"userName":');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_json');
  });
});

describe('GET /admin/api/users/{id}', () => {
  it('has resource as SCIM shows it and the timeline oldest first', async () => {
    const user = await createScimUser();
    await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'replace', path: 'title', value: 'Engineer' })).expect(200);
    const detail = await adminUser(admin, user.id);
    const scim = (await t.scim.get(`/Users/${user.id}`).expect(200)).body;
    expect(detail.resource).toEqual(scim);
    // PRODUCT.md §8.2: each request that touched the user stands before what it caused.
    expect(detail.timeline!.map((e) => e.type)).toEqual(['request', 'user.provisioned', 'request', 'user.updated']);
  });

  it('a long timeline keeps the latest events (the deprovisioning), oldest first', async () => {
    const user = await createScimUser();
    // A long history, written straight to the journal (1,000+ SCIM requests would be slow).
    const { store } = t.app;
    store.transaction(() => {
      for (let i = 0; i < 1100; i++) store.events.insert({ accountId: 'default', type: 'user.updated', userId: user.id, message: `update ${i}` });
    });
    await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'replace', path: 'active', value: false })).expect(200);
    const detail = await adminUser(admin, user.id);
    const timeline = detail.timeline!;
    expect(timeline.length).toBeGreaterThan(0);
    expect(timeline.map((e) => e.id)).toEqual([...timeline.map((e) => e.id)].sort((a, b) => a - b));
    expect(timeline[timeline.length - 1]!.type).toBe('user.deprovisioned');
  });

  it('an unknown id is 404', async () => {
    const res = await admin.get('/users/no-such-id').expect(404);
    expect(res.body).toEqual({ error: 'not_found', message: expect.any(String) });
  });
});

describe('groups', () => {
  it('lists groups with memberCount and shows a group with paged members', async () => {
    const users = [await createScimUser(), await createScimUser(), await createScimUser()];
    const g = (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales', members: users.map((u) => ({ value: u.id })) }).expect(201)).body;
    await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Empty' }).expect(201);

    const list = await admin.get('/groups').expect(200);
    expect(list.body).toMatchObject({ total: 2, page: 1, pageSize: 50 });
    const byName = Object.fromEntries(list.body.items.map((i: { displayName: string; memberCount: number }) => [i.displayName, i]));
    expect(byName.Sales).toMatchObject({ id: g.id, displayName: 'Sales', memberCount: 3 });
    expect(byName.Empty).toMatchObject({ memberCount: 0 });
    expect((await admin.get('/groups?pageSize=1000').expect(200)).body.pageSize).toBe(500);
    expect((await admin.get('/groups?page=0').expect(400)).body.message).toContain('page');

    const detail = await admin.get(`/groups/${g.id}?pageSize=2`).expect(200);
    expect(detail.body).toMatchObject({ id: g.id, displayName: 'Sales', memberCount: 3 });
    expect(detail.body.members).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(detail.body.members.items).toHaveLength(2);
    const page2 = await admin.get(`/groups/${g.id}?pageSize=2&page=2`).expect(200);
    expect(page2.body.members.items).toHaveLength(1);
    const seen = [...detail.body.members.items, ...page2.body.members.items].map((m: { value: string }) => m.value).sort();
    expect(seen).toEqual(users.map((u) => u.id).sort());
    expect(detail.body.members.items[0]).toMatchObject({ value: expect.any(String), type: 'User', display: expect.any(String) });
  });

  it('an unknown group is 404', async () => {
    await admin.get('/groups/no-such-group').expect(404);
  });
});

describe('settings', () => {
  it('GET answers the full settings', async () => {
    const res = await admin.get('/settings').expect(200);
    expect(res.body).toEqual({
      ssoConfigured: true,
      autoProvisioning: true,
      requireSso: false,
      scimVisibility: 'scim-only',
      deprovision: { onDelete: 'deactivate', onGroupRemoval: 'none', onGroupDelete: 'none' },
      guard: { scim: 'warn' },
      expectedIdp: null,
      faults: { rateLimit: null, latencyMs: 0, errorRate: 0, methods: [], paths: [] },
      unknownAttributes: 'ignore',
      groupPatchResponse: 'resource',
    });
  });

  it('an unknown key is 400 naming it', async () => {
    const before = (await admin.get('/settings').expect(200)).body;
    const res = await admin.patch('/settings', { requireSSO: true }).expect(400);
    expect(res.body.error).toBe('invalid_input');
    expect(res.body.message).toContain('requireSSO');
    const nested = await admin.patch('/settings', { deprovision: { onDelete: 'deactivate', onDisable: 'x' } }).expect(400);
    expect(nested.body.message).toContain('onDisable');
    expect((await admin.get('/settings').expect(200)).body).toEqual(before);
  });

  it.each([
    [{ requireSso: 'true' }, 'requireSso'],
    [{ ssoConfigured: 1 }, 'ssoConfigured'],
    [{ scimVisibility: 'some' }, 'scimVisibility'],
    [{ deprovision: { onDelete: 'erase' } }, 'onDelete'],
    [{ deprovision: 'remove' }, 'deprovision'],
    [{ force: 'yes' }, 'force'],
  ])('a wrong type %j is 400 naming %s', async (body, field) => {
    const before = (await admin.get('/settings').expect(200)).body;
    const res = await admin.patch('/settings', body).expect(400);
    expect(res.body.message).toContain(field);
    expect((await admin.get('/settings').expect(200)).body).toEqual(before);
  });

  it('a body that is not an object is 400', async () => {
    await admin.patch('/settings', [true]).expect(400);
  });

  it('a partial deprovision object merges with the rest', async () => {
    await admin.patch('/settings', { deprovision: { onGroupRemoval: 'when-no-groups' } }).expect(200);
    const res = await admin.patch('/settings', { deprovision: { onDelete: 'remove' } }).expect(200);
    expect(res.body.deprovision).toEqual({ onDelete: 'remove', onGroupRemoval: 'when-no-groups', onGroupDelete: 'none' });
    expect((await admin.get('/settings').expect(200)).body.deprovision).toEqual({ onDelete: 'remove', onGroupRemoval: 'when-no-groups', onGroupDelete: 'none' });
    const changed = await eventsOfType(admin, 'settings.changed');
    expect(changed[0]!.message).toContain('deprovision.onDelete');
  });

  it('an empty change is answered with the settings and journals nothing', async () => {
    const before = await eventsOfType(admin, 'settings.changed');
    const res = await admin.patch('/settings', {}).expect(200);
    expect(res.body.scimVisibility).toBe('scim-only');
    expect(await eventsOfType(admin, 'settings.changed')).toHaveLength(before.length);
  });
});

describe('reset', () => {
  it('empties users, groups and the journal; keeps settings and tokens; re-creates admin@example.com', async () => {
    const oldAdmin = await userIdOf(admin, 'admin@example.com');
    const user = await createScimUser();
    await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Doomed', members: [{ value: user.id }] }).expect(201);
    await admin.post('/users', { userName: 'local@example.com' }).expect(201);
    await admin.patch('/settings', { scimVisibility: 'all', deprovision: { onDelete: 'remove' } }).expect(200);

    const res = await admin.post('/reset').expect(200);
    expect(res.body).toEqual({ status: 'reset' });

    const users = await usersWithStatus(admin, 'all');
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ userName: 'admin@example.com', role: 'Admin', source: 'local', ssoLinked: false, status: 'active' });
    expect(users[0]!.id).not.toBe(oldAdmin);
    expect((await admin.get('/groups').expect(200)).body.total).toBe(0);
    expect((await admin.get('/events').expect(200)).body).toMatchObject({ total: 0, items: [] });
    expect((await admin.get('/settings').expect(200)).body).toMatchObject({ scimVisibility: 'all', deprovision: { onDelete: 'remove' } });
    // Tokens kept: both still work.
    expect((await t.scim.get('/Users').expect(200)).body.totalResults).toBe(1); // the admin, visible under "all"
    // The name is free again in SCIM (the old user is gone), and the group name too.
    await t.scim.post('/Users', userBody({ userName: user.userName })).expect(201);
    await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Doomed' }).expect(201);
  });
});

describe('readiness', () => {
  type Item = { id: string; title: string; status: 'pass' | 'fail' | 'warn'; reason: string };
  const readiness = async () => (await admin.get('/readiness').expect(200)).body as { ready: boolean; items: Item[] };
  const statusOf = (r: { items: Item[] }) => Object.fromEntries(r.items.map((i) => [i.id, i.status]));

  it('has the ten ids, each with a title and a reason', async () => {
    const r = await readiness();
    expect(r.items.map((i) => i.id)).toEqual([
      'sso-configured',
      'token-issued',
      'connection-tested',
      'users-provisioned',
      'deprovisioning-observed',
      'rehearsal-coverage',
      'group-removal-gap',
      'attribute-mapping',
      'admin-can-sign-in',
      'require-sso-safe',
    ]);
    for (const item of r.items) {
      expect(item.title.length).toBeGreaterThan(0);
      expect(item.reason.length).toBeGreaterThan(0);
      expect(['pass', 'fail', 'warn']).toContain(item.status);
    }
  });

  it('on a fresh account: SSO and token pass, the rest of the rehearsal fails', async () => {
    const r = await readiness();
    expect(statusOf(r)).toEqual({
      'sso-configured': 'pass',
      'token-issued': 'pass',
      'connection-tested': 'fail',
      'users-provisioned': 'fail',
      'deprovisioning-observed': 'fail',
      'rehearsal-coverage': 'warn',
      'group-removal-gap': 'pass',
      'attribute-mapping': 'pass',
      'admin-can-sign-in': 'pass',
      'require-sso-safe': 'fail',
    });
    expect(r.ready).toBe(false);
  });

  it('sso-configured fails while ssoConfigured is false', async () => {
    await admin.patch('/settings', { ssoConfigured: false }).expect(200);
    expect(statusOf(await readiness())['sso-configured']).toBe('fail');
  });

  it('a full rehearsal is ready', async () => {
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
    const adminId = await userIdOf(admin, 'admin@example.com');
    await t.scim.patch(`/Users/${adminId}`, patchBody({ op: 'replace', path: 'title', value: 'Owner' })).expect(200); // claimed
    await t.scim.get('/Users?startIndex=1&count=1').expect(200); // the IdP's connection test
    const u = await createScimUser();
    await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'Replace', path: 'active', value: 'False' })).expect(200);
    await t.scim.delete(`/Users/${(await createScimUser()).id}`).expect(204);
    const r = await readiness();
    expect(statusOf(r)).toEqual({
      'sso-configured': 'pass',
      'token-issued': 'pass',
      'connection-tested': 'pass',
      'users-provisioned': 'pass',
      'deprovisioning-observed': 'pass',
      'rehearsal-coverage': 'pass',
      'group-removal-gap': 'pass',
      'attribute-mapping': 'pass',
      'admin-can-sign-in': 'pass',
      'require-sso-safe': 'pass',
    });
    expect(r.ready).toBe(true);
  });

  it('a warning does not make it unready', async () => {
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
    await t.scim.get('/Users?startIndex=1&count=1').expect(200);
    await t.scim.patch(`/Users/${await userIdOf(admin, 'admin@example.com')}`, patchBody({ op: 'replace', path: 'title', value: 'Owner' })).expect(200);
    const u = await createScimUser();
    const gone = await createScimUser();
    await t.scim.patch(`/Users/${gone.id}`, patchBody({ op: 'replace', path: 'active', value: false })).expect(200);
    const g = (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Team', members: [{ value: u.id }] }).expect(201)).body;
    await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'remove', path: `members[value eq "${u.id}"]` })).expect(200);
    const r = await readiness();
    expect(statusOf(r)['group-removal-gap']).toBe('warn');
    expect(r.ready).toBe(true);
  });

  const deprovisioningObserved = async () => (await readiness()).items.find((i) => i.id === 'deprovisioning-observed')!;

  it('a refused write that was no deactivation (an Okta PUT with "active": true) is not a refused trigger', async () => {
    const u = await createScimUser();
    const gone = await createScimUser();
    await t.scim.patch(`/Users/${gone.id}`, patchBody({ op: 'replace', value: { active: false } })).expect(200);
    const put = await t.scim.put(`/Users/${u.id}`, { ...userBody({ active: true }), userName: 42 });
    expect(put.status).toBe(400);
    await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'active', value: true }, { op: 'replace', path: 'userName', value: 42 })).expect(400);
    expect((await deprovisioningObserved()).status).toBe('pass');
  });

  it('a refused deactivation that a retry carried out is answered', async () => {
    const u = await createScimUser();
    await admin.patch('/settings', { autoProvisioning: false }).expect(200);
    await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'Replace', path: 'active', value: 'False' })).expect(403);
    await admin.patch('/settings', { autoProvisioning: true }).expect(200);
    const refused = await deprovisioningObserved();
    expect(refused.status).toBe('fail');
    expect(refused.reason).toMatch(/^1 deprovisioning request\(s\) .* refused/);
    await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'Replace', path: 'active', value: 'False' })).expect(200);
    expect((await deprovisioningObserved()).status).toBe('pass');
  });

  it('a refused DELETE is a trigger without its outcome until the user is deprovisioned', async () => {
    const u = await createScimUser();
    await admin.patch('/settings', { autoProvisioning: false }).expect(200);
    await t.scim.delete(`/Users/${u.id}`).expect(403);
    await admin.patch('/settings', { autoProvisioning: true }).expect(200);
    expect((await deprovisioningObserved()).reason).toMatch(/refused/);
    await t.scim.delete(`/Users/${u.id}`).expect(204);
    // A retried DELETE of a user already deleted is 404, and wants nothing more.
    await t.scim.delete(`/Users/${u.id}`).expect(404);
    expect((await deprovisioningObserved()).status).toBe('pass');
  });

  it('deprovisioning-observed fails when a deactivation was refused', async () => {
    const u = await createScimUser();
    // A deactivation that fails (a bad value bundled with it) deprovisions no one.
    await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'userName', value: 42 })).expect(400);
    const item = (await readiness()).items.find((i) => i.id === 'deprovisioning-observed')!;
    expect(item.status).toBe('fail');
    expect(item.reason).toMatch(/refused/);
  });
});
