import { describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, patchBody, userBody, USER_SCHEMA, ZOOMINFO, type TestApp } from '../helpers/test-app.js';
import { adminUser, eventsOfType, userIdOf, type AdminApi, type AdminEvent, useResetAccountPerTest } from './support.js';

// PRODUCT.md §8.1: SCIM traffic that leaves no active Admin able to sign in follows guard.scim:
// "warn" lets it through as ZoomInfo would and journals guard.breached (level error) naming the
// Admin and the request; "refuse" answers 409 and changes nothing. The matrix of the issue: each
// IdP request that can take an Admin's sign-in away x {last Admin, one of two} x {warn, refuse},
// each asserting the journal, readiness's admin-can-sign-in and the sign-in check.

let t: TestApp;
let admin: AdminApi;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});

const OKTA = { 'User-Agent': 'Okta SCIM Client 1.0.0' };
const ENTRA = { 'User-Agent': 'Microsoft.Identity.Provisioning/1.0' };

async function provisionAdmin(userName: string): Promise<string> {
  const body = userBody({ userName, emails: [{ value: userName, type: 'work' }], [ZOOMINFO]: { role: 'Admin' } });
  return (await t.scim.post('/Users', body).expect(201)).body.id as string;
}

async function createGroup(displayName: string, members: string[]): Promise<string> {
  return (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) }).expect(201)).body.id as string;
}

async function readinessItem(id: string) {
  const items = (await admin.get('/readiness').expect(200)).body.items as { id: string; status: string; reason: string }[];
  return items.find((i) => i.id === id)!;
}

const ssoSignIn = async (userName: string) => (await admin.post('/sign-in-check', { userName, method: 'sso' }).expect(200)).body as { allowed: boolean; reason: string };

interface Situation {
  /** The Admin the request is about. */
  target: string;
  targetName: string;
  /** The other Admin who can sign in, when there are two. */
  other?: string;
  groupId?: string;
}

interface Row {
  name: string;
  settings: Record<string, unknown>;
  /** Sends the IdP's request; `expected` is its status when nothing refuses it. */
  send(s: Situation): Promise<{ status: number; body: Record<string, unknown> }>;
  expected: number;
  /** Whether the target is gone from SCIM afterwards (DELETE) rather than deactivated. */
  erased?: boolean;
}

const send = async (test: import('supertest').Test, headers: Record<string, string>) => {
  for (const [name, value] of Object.entries(headers)) test.set(name, value);
  const res = await test;
  return { status: res.status, body: res.body as Record<string, unknown> };
};

const rows: Row[] = [
  {
    name: 'Okta PATCH active false',
    settings: {},
    send: (s) => send(t.scim.patch(`/Users/${s.target}`, patchBody({ op: 'replace', value: { active: false } })), OKTA),
    expected: 200,
  },
  {
    name: 'Entra PATCH "False"',
    settings: {},
    send: (s) => send(t.scim.patch(`/Users/${s.target}`, patchBody({ op: 'Replace', path: 'active', value: 'False' })), ENTRA),
    expected: 200,
  },
  {
    name: 'Okta PUT demoting the Admin explicitly',
    settings: {},
    send: (s) => send(t.scim.put(`/Users/${s.target}`, { schemas: [USER_SCHEMA, ZOOMINFO], userName: s.targetName, active: true, [ZOOMINFO]: { role: 'User' } }), OKTA),
    expected: 200,
  },
  {
    name: 'DELETE under onDelete "deactivate"',
    settings: { deprovision: { onDelete: 'deactivate' } },
    send: (s) => send(t.scim.delete(`/Users/${s.target}`), {}),
    expected: 204,
    erased: true,
  },
  {
    name: 'DELETE under onDelete "remove"',
    settings: { deprovision: { onDelete: 'remove' } },
    send: (s) => send(t.scim.delete(`/Users/${s.target}`), {}),
    expected: 204,
    erased: true,
  },
  {
    name: 'group removal under onGroupRemoval "when-no-groups"',
    settings: { deprovision: { onGroupRemoval: 'when-no-groups' } },
    send: (s) => send(t.scim.patch(`/Groups/${s.groupId}`, patchBody({ op: 'Remove', path: 'members', value: [{ $ref: null, value: s.target }] })), ENTRA),
    expected: 200,
  },
  {
    name: 'group delete under onGroupDelete "when-no-groups"',
    settings: { deprovision: { onGroupDelete: 'when-no-groups' } },
    send: (s) => send(t.scim.delete(`/Groups/${s.groupId}`), OKTA),
    expected: 204,
  },
];

/** Admins provisioned by the IdP, Require SSO on: the seeded local admin can no longer sign in. */
async function arrange(row: Row, admins: 1 | 2, mode: 'warn' | 'refuse'): Promise<Situation> {
  const targetName = 'it.admin@example.com';
  const target = await provisionAdmin(targetName);
  const other = admins === 2 ? await provisionAdmin('second.admin@example.com') : undefined;
  const groupId = await createGroup('ZoomInfo users', [target]);
  await admin.patch('/settings', { requireSso: true, guard: { scim: mode }, ...row.settings }).expect(200);
  expect((await readinessItem('admin-can-sign-in')).status).toBe('pass');
  return { target, targetName, other, groupId };
}

describe.each(rows)('$name', (row) => {
  it.each(['warn', 'refuse'] as const)('on the last Admin who can sign in, guard.scim "%s"', async (mode) => {
    const s = await arrange(row, 1, mode);
    const res = await row.send(s);
    const breached = await eventsOfType(admin, 'guard.breached');
    const refused = await eventsOfType(admin, 'guard.refused');
    const access = await readinessItem('admin-can-sign-in');
    if (mode === 'warn') {
      // As ZoomInfo would: the request goes through, and the journal says loudly what it did.
      expect(res.status).toBe(row.expected);
      expect(breached).toHaveLength(1);
      expect(breached[0]).toMatchObject({ level: 'error', userId: s.target, requestEventId: expect.any(Number) });
      expect(breached[0]!.message).toContain(s.targetName);
      const cause = (await admin.get(`/events/${breached[0]!.requestEventId}`).expect(200)).body as AdminEvent;
      expect(cause).toMatchObject({ type: 'request', status: row.expected });
      expect(access.status).toBe('fail');
      expect(access.reason).toMatch(/no active Admin|has no active Admin/);
      if (row.name.includes('demoting')) expect((await adminUser(admin, s.target)).role).toBe('User');
      else expect((await ssoSignIn(s.targetName)).allowed).toBe(false);
      expect((await admin.get('/admin-access').expect(200)).body.holds).toBe(false);
    } else {
      // Nothing changes: the Admin is as before, and the 409 names the Admin and the rule.
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409' });
      expect(res.body.detail).toContain(s.targetName);
      expect(res.body.detail).toContain('guard.scim');
      expect(breached).toHaveLength(0);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ userId: s.target, requestEventId: expect.any(Number) });
      expect(await eventsOfType(admin, 'user.deprovisioned')).toHaveLength(0);
      expect(await eventsOfType(admin, 'user.deleted')).toHaveLength(0);
      expect(await adminUser(admin, s.target)).toMatchObject({ status: 'active', role: 'Admin' });
      await t.scim.get(`/Users/${s.target}`).expect(200);
      if (s.groupId) await t.scim.get(`/Groups/${s.groupId}`).expect(200);
      expect(access.status).toBe('pass');
      expect((await ssoSignIn(s.targetName)).allowed).toBe(true);
    }
  });

  it.each(['warn', 'refuse'] as const)('on one of two Admins, guard.scim "%s": goes through, no guard event', async (mode) => {
    const s = await arrange(row, 2, mode);
    const res = await row.send(s);
    expect(res.status).toBe(row.expected);
    expect(await eventsOfType(admin, 'guard.breached')).toHaveLength(0);
    expect(await eventsOfType(admin, 'guard.refused')).toHaveLength(0);
    expect((await readinessItem('admin-can-sign-in')).status).toBe('pass');
    expect((await ssoSignIn('second.admin@example.com')).allowed).toBe(true);
    if (!row.erased && row.name.includes('demoting')) {
      expect((await adminUser(admin, s.target)).role).toBe('User');
    } else {
      expect((await ssoSignIn(s.targetName)).allowed).toBe(false);
    }
  });
});

describe('Okta PUT that claims the seeded Admin without the ZoomInfo extension', () => {
  async function claim(): Promise<{ id: string; status: number }> {
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
    const id = await userIdOf(admin, 'admin@example.com');
    const current = (await t.scim.get(`/Users/${id}`).expect(200)).body as Record<string, unknown>;
    // Okta's full-profile PUT: core schema only, no ZoomInfo extension, id and meta as read.
    const { [ZOOMINFO]: _role, ...withoutExtension } = current;
    const res = await t.scim.put(`/Users/${id}`, { ...withoutExtension, schemas: [USER_SCHEMA], title: 'Owner' }).set(OKTA);
    return { id, status: res.status };
  }

  it.each([
    [1, 'warn'],
    [1, 'refuse'],
    [2, 'warn'],
    [2, 'refuse'],
  ] as const)('with %i Admin(s), guard.scim "%s": keeps the role, links SSO, breaches nothing', async (admins, mode) => {
    if (admins === 2) await provisionAdmin('second.admin@example.com');
    await admin.patch('/settings', { guard: { scim: mode } }).expect(200);
    const { id, status } = await claim();
    expect(status).toBe(200);
    expect(await adminUser(admin, id)).toMatchObject({ role: 'Admin', ssoLinked: true, status: 'active' });
    expect(await eventsOfType(admin, 'guard.breached')).toHaveLength(0);
    expect((await readinessItem('admin-can-sign-in')).status).toBe('pass');
    expect((await ssoSignIn('admin@example.com')).allowed).toBe(true);
    // Now Require SSO is safe: the claimed owner signs in with SSO.
    await admin.patch('/settings', { requireSso: true }).expect(200);
    expect((await readinessItem('require-sso-safe')).reason).toMatch(/^Require SSO is on/);
  });

  it('an explicit role change in the extension is journaled as such, an Admin losing it as a warning', async () => {
    const id = await provisionAdmin('it.admin@example.com');
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: `${ZOOMINFO}:role`, value: 'User' })).expect(200);
    const updated = (await eventsOfType(admin, 'user.updated')).filter((e) => e.userId === id);
    expect(updated[0]).toMatchObject({ level: 'warning', data: { role: { from: 'Admin', to: 'User' } } });
    expect(updated[0]!.message).toContain('Admin -> User');
  });
});

describe('group delete', () => {
  it('journals member.removed for each member and names the group in deprovisionedBy after it is gone', async () => {
    await admin.patch('/settings', { deprovision: { onGroupDelete: 'when-no-groups' } }).expect(200);
    const a = (await t.scim.post('/Users', userBody()).expect(201)).body.id as string;
    const b = (await t.scim.post('/Users', userBody()).expect(201)).body.id as string;
    const groupId = await createGroup('Sales EMEA', [a, b]);
    await t.scim.delete(`/Groups/${groupId}`).expect(204);
    const removed = (await eventsOfType(admin, 'member.removed')).filter((e) => e.groupId === groupId);
    expect(removed.map((e) => e.userId).sort()).toEqual([a, b].sort());
    for (const id of [a, b]) {
      const user = await adminUser(admin, id);
      expect(user.deprovisionedBy).toMatchObject({ trigger: 'group-delete', groupId, groupName: 'Sales EMEA' });
      expect(user.timeline!.map((e) => e.type)).toContain('member.removed');
    }
  });

  it('under onGroupDelete "none", a member left in no group is a group-removal gap', async () => {
    const a = (await t.scim.post('/Users', userBody()).expect(201)).body.id as string;
    const groupId = await createGroup('Sales EMEA', [a]);
    expect((await readinessItem('group-removal-gap')).status).toBe('pass');
    await t.scim.delete(`/Groups/${groupId}`).expect(204);
    const gap = await readinessItem('group-removal-gap');
    expect(gap.status).toBe('warn');
    expect(gap.reason).toContain('onGroupDelete "none"');
    expect((await adminUser(admin, a)).status).toBe('active');
  });
});
