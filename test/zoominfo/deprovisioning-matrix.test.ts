import { describe, expect, it } from 'vitest';
import { userBody, GROUP_SCHEMA, type TestApp } from '../helpers/test-app.js';
import {
  adminUser,
  eventsOfType,
  isSortedAscending,
  loadFixture,
  Replay,
  usersWithStatus,
  type AdminApi,
  type AdminUser,
  useResetAccountPerTest,
} from './support.js';

// PRODUCT.md §3: every way an IdP deprovisions a user, sent as the IdP really sends it (the
// recorded fixture steps), and what the admin API then says about it.

let t: TestApp;
let admin: AdminApi;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});

interface Expected {
  trigger: 'active-false' | 'delete' | 'group-removal' | 'group-delete';
  method: string;
  path: string;
  idp: string;
  groupId?: string;
  /** The status the deprovisioning request was answered with. */
  status: number;
}

/**
 * The admin API's whole answer about a deprovisioned user: listed under status=deprovisioned with
 * `deprovisionedBy` naming the request (its `eventId` a `request` event of the journal), and the
 * user detail with `resource` and an oldest-first `timeline` holding `user.deprovisioned`.
 */
async function expectDeprovisioned(userId: string, expected: Expected): Promise<AdminUser> {
  const listed = (await usersWithStatus(admin, 'deprovisioned')).find((u) => u.id === userId);
  expect(listed, `user ${userId} is listed as deprovisioned`).toBeDefined();
  expect((await usersWithStatus(admin, 'active')).map((u) => u.id)).not.toContain(userId);
  const by = listed!.deprovisionedBy!;
  expect(by).toEqual({
    trigger: expected.trigger,
    method: expected.method,
    path: expected.path,
    idp: expected.idp,
    at: expect.any(String),
    eventId: expect.any(Number),
    // The group is named as well as identified: the name outlives the group (PRODUCT.md §8.1).
    ...(expected.groupId && { groupId: expected.groupId, groupName: expect.any(String) }),
  });
  expect(Number.isNaN(Date.parse(by.at))).toBe(false);
  expect(listed!.deprovisionedAt).toBe(by.at);

  // eventId is the journal event of type `request` for exactly that request.
  const requests = await eventsOfType(admin, 'request');
  const cause = requests.find((e) => e.id === by.eventId);
  expect(cause, `request event ${by.eventId}`).toBeDefined();
  expect(cause).toMatchObject({ type: 'request', method: expected.method, path: expected.path, idp: expected.idp, status: expected.status });

  const detail = await adminUser(admin, userId);
  expect(detail.status).toBe('deprovisioned');
  expect(detail.deprovisionedBy).toEqual(by);
  expect(detail.resource).toMatchObject({ id: userId, active: false });
  const timeline = detail.timeline!;
  expect(isSortedAscending(timeline.map((e) => e.id))).toBe(true);
  const deprovisioned = timeline.filter((e) => e.type === 'user.deprovisioned');
  expect(deprovisioned).toHaveLength(1);
  expect(deprovisioned[0]).toMatchObject({ trigger: expected.trigger, idp: expected.idp, requestEventId: by.eventId });
  return detail;
}

async function createUser(overrides: Record<string, unknown> = {}): Promise<string> {
  return (await t.scim.post('/Users', userBody(overrides)).expect(201)).body.id as string;
}

async function createGroup(displayName: string, memberIds: string[]): Promise<string> {
  const res = await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName, members: memberIds.map((value) => ({ value })) }).expect(201);
  return res.body.id as string;
}

describe('Okta', () => {
  it('unassign/deactivate: PATCH replace with no path {"active": false} (okta-07)', async () => {
    const r = await new Replay(t, loadFixture('okta-07')).setup();
    const res = await r.step(0);
    expect((res.body as { active: boolean }).active).toBe(false);
    await expectDeprovisioned(r.id('userId'), { trigger: 'active-false', method: 'PATCH', path: r.path(0), idp: 'okta', status: 200 });
    // SCIM still reads the user, inactive.
    const scim = await t.scim.get(`/Users/${r.id('userId')}`).expect(200);
    expect(scim.body.active).toBe(false);
  });

  it('unassign: the same PATCH, then the user is still readable (okta-09)', async () => {
    const r = await new Replay(t, loadFixture('okta-09')).setup();
    await r.step(0);
    const read = await r.step(1);
    expect((read.body as { active: boolean }).active).toBe(false);
    await expectDeprovisioned(r.id('userId'), { trigger: 'active-false', method: 'PATCH', path: r.path(0), idp: 'okta', status: 200 });
  });

  it('custom (AIW) app: full PUT with active false (okta-10)', async () => {
    const r = await new Replay(t, loadFixture('okta-10')).setup();
    await r.step(0);
    await r.step(1);
    await expectDeprovisioned(r.id('userId'), { trigger: 'active-false', method: 'PUT', path: r.path(1), idp: 'okta', status: 200 });
  });

  it('reactivation clears deprovisionedBy and journals user.reactivated (okta-08)', async () => {
    const r = await new Replay(t, loadFixture('okta-08')).setup();
    const id = r.id('userId');
    // The setup creates the user inactive: it is deprovisioned from the start.
    expect((await adminUser(admin, id)).status).toBe('deprovisioned');
    const found = await r.step(0);
    expect((found.body as { totalResults: number }).totalResults).toBe(1);
    await r.step(1);

    const detail = await adminUser(admin, id);
    expect(detail.status).toBe('active');
    expect(detail.deprovisionedBy).toBeNull();
    expect(detail.deprovisionedAt).toBeNull();
    expect(detail.resource).toMatchObject({ active: true });
    const reactivated = detail.timeline!.filter((e) => e.type === 'user.reactivated');
    expect(reactivated).toHaveLength(1);
    expect(reactivated[0]).toMatchObject({ idp: 'okta' });
    const requests = await eventsOfType(admin, 'request');
    expect(requests.find((e) => e.id === reactivated[0]!.requestEventId)).toMatchObject({ method: 'PATCH', path: r.path(1), idp: 'okta', status: 200 });
    expect(isSortedAscending(detail.timeline!.map((e) => e.id))).toBe(true);
    expect((await usersWithStatus(admin, 'active')).map((u) => u.id)).toContain(id);
    expect((await usersWithStatus(admin, 'deprovisioned')).map((u) => u.id)).not.toContain(id);
  });

  it('deactivate then reactivate then deactivate again: deprovisionedBy names the latest deprovisioning', async () => {
    const r = await new Replay(t, loadFixture('okta-07')).setup();
    const id = r.id('userId');
    await r.step(0);
    const first = (await adminUser(admin, id)).deprovisionedBy!;
    await new Replay(t, loadFixture('okta-08'), { userId: id }).step(1);
    await r.step(0);
    const again = (await adminUser(admin, id)).deprovisionedBy!;
    expect(again.eventId).toBeGreaterThan(first.eventId);
    const timeline = (await adminUser(admin, id)).timeline!.map((e) => e.type).filter((type) => type !== 'user.updated' && type !== 'request');
    expect(timeline).toEqual(['user.provisioned', 'user.deprovisioned', 'user.reactivated', 'user.deprovisioned']);
  });
});

describe('Entra ID', () => {
  it('unassign: PATCH Replace active "False" (entra-08), rewrite recorded', async () => {
    const r = await new Replay(t, loadFixture('entra-08')).setup();
    await r.step(0);
    const detail = await expectDeprovisioned(r.id('userId'), { trigger: 'active-false', method: 'PATCH', path: r.path(0), idp: 'entra', status: 200 });
    const cause = (await eventsOfType(admin, 'request')).find((e) => e.id === detail.deprovisionedBy!.eventId)!;
    expect(cause.rewrites).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'string-boolean', from: 'False', to: false })]));
  });

  it('unassign: disable, then still readable (entra-19)', async () => {
    const r = await new Replay(t, loadFixture('entra-19')).setup();
    await r.step(0);
    const read = await r.step(1);
    expect((read.body as { active: unknown }).active).toBe(false);
    await expectDeprovisioned(r.id('userId'), { trigger: 'active-false', method: 'PATCH', path: r.path(0), idp: 'entra', status: 200 });
  });

  it('hard delete after the disable (entra-20): 404 in SCIM, kept in the admin view, first request still named', async () => {
    const fixture = loadFixture('entra-20');
    const r = await new Replay(t, fixture).setup();
    const id = r.id('userId');
    await r.step(0);
    await r.step(1);
    await r.step(2); // GET: 404
    // The DELETE came second: deprovisionedBy still names the PATCH.
    const detail = await expectDeprovisioned(id, { trigger: 'active-false', method: 'PATCH', path: r.path(0), idp: 'entra', status: 200 });
    const types = detail.timeline!.map((e) => e.type);
    expect(types).toContain('user.deleted');
    expect(types.indexOf('user.deleted')).toBeGreaterThan(types.indexOf('user.deprovisioned'));
    expect(detail.timeline!.find((e) => e.type === 'user.deleted')).toMatchObject({ trigger: 'delete' });

    // The same userName may be provisioned again: a new user; the old record stays.
    const { id: _placeholder, ...body } = fixture.setup.users![0]!;
    const again = await t.scim.post('/Users', body).expect(201);
    expect(again.body.id).not.toBe(id);
    expect((await adminUser(admin, id)).status).toBe('deprovisioned');
    expect((await adminUser(admin, again.body.id)).status).toBe('active');
    const all = (await usersWithStatus(admin, 'all')).filter((u) => u.userName === body.userName);
    expect(all.map((u) => u.id).sort()).toEqual([id, again.body.id].sort());
  });

  it('the hard delete alone (entra-20 step 2, no disable before it): trigger "delete"', async () => {
    const r = await new Replay(t, loadFixture('entra-20')).setup();
    await r.step(1);
    await r.step(2);
    // A DELETE carries no User-Agent and no body in the recording: "unknown", as detected.
    const detail = await expectDeprovisioned(r.id('userId'), { trigger: 'delete', method: 'DELETE', path: r.path(1), idp: 'unknown', status: 204 });
    expect(detail.resource).toMatchObject({ active: false });
  });
});

describe('OneLogin', () => {
  it('Delete deprovisioning action (onelogin-04) under onDelete "deactivate"', async () => {
    const fixture = loadFixture('onelogin-04');
    const r = await new Replay(t, fixture).setup();
    const id = r.id('userId');
    await r.step(0);
    await r.step(1); // GET: 404
    // The recording carries no User-Agent and a DELETE has no body: nothing tells OneLogin apart,
    // so the request is journaled (and named) as "unknown", exactly as detected.
    const detail = await expectDeprovisioned(id, { trigger: 'delete', method: 'DELETE', path: r.path(0), idp: 'unknown', status: 204 });
    expect(detail.timeline!.map((e) => e.type)).toEqual(expect.arrayContaining(['user.deleted', 'user.deprovisioned']));

    const { id: _placeholder, ...body } = fixture.setup.users![0]!;
    const again = await t.scim.post('/Users', body).expect(201);
    expect(again.body.id).not.toBe(id);
    expect((await adminUser(admin, id)).status).toBe('deprovisioned');
    const listed = (await usersWithStatus(admin, 'all')).filter((u) => u.userName === 'kelly.slater@example.com');
    expect(listed).toHaveLength(2);
  });

  it('Delete under onDelete "remove": the user is gone from the admin API too', async () => {
    await admin.patch('/settings', { deprovision: { onDelete: 'remove' } }).expect(200);
    const r = await new Replay(t, loadFixture('onelogin-04')).setup();
    const id = r.id('userId');
    await r.step(0);
    await r.step(1);
    await admin.get(`/users/${id}`).expect(404);
    expect((await usersWithStatus(admin, 'all')).map((u) => u.id)).not.toContain(id);
    const deleted = (await eventsOfType(admin, 'user.deleted')).filter((e) => e.userId === id);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatchObject({ trigger: 'delete', idp: 'unknown' });
  });
});

describe('group rules', () => {
  /** entra-27: Entra removes {{userId}} from a group that also holds {{userId2}}. */
  async function entraRemoval(): Promise<{ r: Replay; userId: string; userId2: string; groupId: string }> {
    const userId = await createUser();
    const userId2 = await createUser();
    const r = await new Replay(t, loadFixture('entra-27'), { userId, userId2 }).setup();
    return { r, userId, userId2, groupId: r.id('groupId') };
  }

  it('group removal under "none": the user stays active and readiness warns of the gap', async () => {
    const { r, userId } = await entraRemoval();
    await r.step(0);
    const detail = await adminUser(admin, userId);
    expect(detail.status).toBe('active');
    expect(detail.deprovisionedBy).toBeNull();
    expect(detail.timeline!.map((e) => e.type)).toContain('member.removed');
    expect((await t.scim.get(`/Users/${userId}`).expect(200)).body.active).toBe(true);

    const readiness = await admin.get('/readiness').expect(200);
    const gap = (readiness.body.items as { id: string; status: string; reason: string }[]).find((i) => i.id === 'group-removal-gap')!;
    expect(gap.status).toBe('warn');
    expect(gap.reason).toContain(detail.userName);
  });

  it('group removal under "when-no-groups": the user who lost the last group is deprovisioned', async () => {
    await admin.patch('/settings', { deprovision: { onGroupRemoval: 'when-no-groups' } }).expect(200);
    const { r, userId, userId2, groupId } = await entraRemoval();
    await r.step(0);
    await expectDeprovisioned(userId, { trigger: 'group-removal', method: 'PATCH', path: `/scim/v2/Groups/${groupId}`, idp: 'entra', groupId, status: 200 });
    expect(r.path(0)).toBe(`/scim/v2/Groups/${groupId}`);
    expect((await t.scim.get(`/Users/${userId}`).expect(200)).body.active).toBe(false);
    // The member left in the group is untouched.
    expect((await adminUser(admin, userId2)).status).toBe('active');
    const gap = ((await admin.get('/readiness').expect(200)).body.items as { id: string; status: string }[]).find((i) => i.id === 'group-removal-gap')!;
    expect(gap.status).toBe('pass');
  });

  it('group removal under "when-no-groups" spares a user still in another group', async () => {
    await admin.patch('/settings', { deprovision: { onGroupRemoval: 'when-no-groups' } }).expect(200);
    const { r, userId } = await entraRemoval();
    await createGroup('Another group', [userId]);
    await r.step(0);
    expect((await adminUser(admin, userId)).status).toBe('active');
  });

  it('Okta removal by filter (okta-14) under "when-no-groups"', async () => {
    await admin.patch('/settings', { deprovision: { onGroupRemoval: 'when-no-groups' } }).expect(200);
    const r = await new Replay(t, loadFixture('okta-14')).setup();
    await r.step(0);
    const groupId = r.id('groupId');
    await expectDeprovisioned(r.id('userId2'), { trigger: 'group-removal', method: 'PATCH', path: `/scim/v2/Groups/${groupId}`, idp: 'okta', groupId, status: 200 });
    expect((await adminUser(admin, r.id('userId'))).status).toBe('active');
  });

  it('group delete under "none" (okta-18): members stay active', async () => {
    const userId = await createUser();
    const r = await new Replay(t, loadFixture('okta-18'), { userId }).setup();
    await r.step(0);
    await r.step(1);
    const detail = await adminUser(admin, userId);
    expect(detail.status).toBe('active');
    expect(detail.deprovisionedBy).toBeNull();
  });

  it('group delete under "when-no-groups" (okta-18): members left in no group are deprovisioned', async () => {
    await admin.patch('/settings', { deprovision: { onGroupDelete: 'when-no-groups' } }).expect(200);
    const userId = await createUser();
    const stillGrouped = await createUser();
    await createGroup('Keeps one', [stillGrouped]);
    const r = await new Replay(t, loadFixture('okta-18'), { userId }).setup();
    const groupId = r.id('groupId');
    await t.scim.patch(`/Groups/${groupId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: stillGrouped }] }] }).expect(200);
    await r.step(0);
    await r.step(1);
    await expectDeprovisioned(userId, { trigger: 'group-delete', method: 'DELETE', path: `/scim/v2/Groups/${groupId}`, idp: 'okta', groupId, status: 204 });
    expect((await adminUser(admin, stillGrouped)).status).toBe('active');
  });

  it('group delete under "when-no-groups" from Entra (entra-29)', async () => {
    await admin.patch('/settings', { deprovision: { onGroupDelete: 'when-no-groups' } }).expect(200);
    const userId = await createUser();
    const r = await new Replay(t, loadFixture('entra-29'), { userId }).setup();
    await r.step(0);
    // A DELETE without User-Agent or body cannot be told apart: "unknown", as detected.
    await expectDeprovisioned(userId, { trigger: 'group-delete', method: 'DELETE', path: r.path(0), idp: 'unknown', groupId: r.id('groupId'), status: 204 });
  });

  it('a group rule after a deactivation keeps the first request', async () => {
    await admin.patch('/settings', { deprovision: { onGroupRemoval: 'when-no-groups' } }).expect(200);
    const { r, userId } = await entraRemoval();
    const disable = new Replay(t, loadFixture('entra-08'), { userId });
    await disable.step(0);
    await r.step(0);
    await expectDeprovisioned(userId, { trigger: 'active-false', method: 'PATCH', path: `/scim/v2/Users/${userId}`, idp: 'entra', status: 200 });
  });
});

describe('readiness after deprovisioning', () => {
  it('deprovisioning-observed passes once a trigger produced its outcome', async () => {
    const before = ((await admin.get('/readiness').expect(200)).body.items as { id: string; status: string }[]).find((i) => i.id === 'deprovisioning-observed')!;
    expect(before.status).toBe('fail');
    const r = await new Replay(t, loadFixture('okta-07')).setup();
    await r.step(0);
    const after = ((await admin.get('/readiness').expect(200)).body.items as { id: string; status: string; reason: string }[]).find((i) => i.id === 'deprovisioning-observed')!;
    expect(after.status).toBe('pass');
    expect(after.reason).toContain('active-false');
  });
});
