import { describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, patchBody, SCIM_TOKEN, userBody, ZOOMINFO, type TestApp } from '../helpers/test-app.js';
import { runNode, CLI } from '../helpers/cli.js';
import { rawRequest } from '../helpers/scim-http.js';
import { Replay, adminUser, eventsOfType, loadFixture, ndjson, userIdOf, type AdminApi, type AdminEvent, useResetAccountPerTest } from '../zoominfo/support.js';

// PRODUCT.md §8.2: a journal that explains: what changed (`changes`), claims, what a request
// caused, its safe headers, names beside ids, who acted (`actor`) and which IdP, inferred or not.

let t: TestApp;
let admin: AdminApi;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});

interface Change {
  path: string;
  from: unknown;
  to: unknown;
}
type Explained = AdminEvent & { actor: string; changes?: Change[]; userName?: string; groupName?: string; headers?: Record<string, string>; caused?: { id: number; type: string }[] };

const events = async (query = '') => (await admin.get(`/events?pageSize=500${query}`).expect(200)).body.items as Explained[];
const newestOfType = async (type: string) => (await eventsOfType(admin, type))[0] as Explained;
const maxEventId = async () => (await events())[0]?.id ?? 0;

describe('changes on updates', () => {
  it('user.updated lists each attribute it changed, before and after, sub-attributes by path', async () => {
    const user = (await t.scim.post('/Users', userBody({ title: 'Engineer', name: { givenName: 'Ada', familyName: 'L' } })).expect(201)).body;
    await t.scim
      .patch(`/Users/${user.id}`, patchBody({ op: 'replace', path: 'title', value: 'CTO' }, { op: 'replace', path: 'name.givenName', value: 'Augusta' }, { op: 'add', path: 'nickName', value: 'A' }))
      .expect(200);
    const updated = await newestOfType('user.updated');
    expect(updated.changes).toEqual(
      expect.arrayContaining([
        { path: 'title', from: 'Engineer', to: 'CTO' },
        { path: 'name.givenName', from: 'Ada', to: 'Augusta' },
        { path: 'nickName', from: null, to: 'A' },
      ]),
    );
    expect(updated.changes).toHaveLength(3);
    expect(updated.message).toContain('title');
  });

  it('an extension attribute is named by its URN path; a role change is its own message', async () => {
    const user = (await t.scim.post('/Users', userBody({ [ZOOMINFO]: { role: 'User', licenses: ['SalesOS'] } })).expect(201)).body;
    await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'add', path: `${ZOOMINFO}:licenses`, value: ['MarketingOS'] })).expect(200);
    const updated = await newestOfType('user.updated');
    expect(updated.changes).toEqual([{ path: `${ZOOMINFO}:licenses`, from: ['SalesOS'], to: ['SalesOS', 'MarketingOS'] }]);
  });

  it('a password change is a change whose values are "[redacted]", in the API and in the NDJSON export', async () => {
    const secret = 'Correct-Horse-Battery-1';
    const user = (await t.scim.post('/Users', userBody()).expect(201)).body;
    await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'replace', path: 'password', value: secret })).expect(200);
    const updated = await newestOfType('user.updated');
    expect(updated.changes).toContainEqual({ path: 'password', from: '[redacted]', to: '[redacted]' });
    const exported = (await ndjson(admin.get('/events')).expect(200)).body as string;
    expect(exported).not.toContain(secret);
    const line = exported.trim().split('\n').map((l) => JSON.parse(l) as Explained).find((e) => e.id === updated.id)!;
    expect(line.changes).toContainEqual({ path: 'password', from: '[redacted]', to: '[redacted]' });
  });

  it('a multi-valued attribute over 20 values is journaled as counts', async () => {
    const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `a${i}@example.com`, type: 'other' }));
    const user = (await t.scim.post('/Users', userBody({ emails: emails(25) })).expect(201)).body;
    await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'add', path: 'emails', value: [{ value: 'new@example.com', type: 'work' }] })).expect(200);
    expect((await newestOfType('user.updated')).changes).toEqual([{ path: 'emails', from: { count: 25 }, to: { count: 26 } }]);
  });

  it('group.updated lists a rename', async () => {
    const group = (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales' }).expect(201)).body;
    await t.scim.patch(`/Groups/${group.id}`, patchBody({ op: 'replace', path: 'displayName', value: 'Sales EMEA' })).expect(200);
    const updated = await newestOfType('group.updated');
    expect(updated.changes).toEqual([{ path: 'displayName', from: 'Sales', to: 'Sales EMEA' }]);
    expect(updated.groupName).toBe('Sales EMEA');
  });
});

describe('claims', () => {
  it('a local user taken over by SCIM is user.claimed, beside the update', async () => {
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
    const id = await userIdOf(admin, 'admin@example.com');
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'Owner' })).expect(200);
    const claimed = await newestOfType('user.claimed');
    expect(claimed).toMatchObject({ userId: id, userName: 'admin@example.com', actor: 'idp', method: 'PATCH', path: `/scim/v2/Users/${id}` });
    // Once claimed, a second update is an ordinary one.
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'title', value: 'Founder' })).expect(200);
    expect(await eventsOfType(admin, 'user.claimed')).toHaveLength(1);
  });
});

describe('what a request caused, and what it sent', () => {
  it("a request's detail lists the events it caused and its safe headers, never Authorization", async () => {
    const res = await rawRequest(t, 'POST', '/scim/v2/Users', JSON.stringify(userBody()), {
      Authorization: `Bearer ${SCIM_TOKEN}`,
      'Content-Type': 'application/scim+json',
      Accept: 'application/scim+json',
      'User-Agent': 'Okta SCIM Client 1.0.0',
      Cookie: 'session=secret',
    });
    expect(res.status).toBe(201);
    const request = (await eventsOfType(admin, 'request'))[0]!;
    const detail = (await admin.get(`/events/${request.id}`).expect(200)).body as Explained;
    expect(detail.headers).toEqual({ 'user-agent': 'Okta SCIM Client 1.0.0', 'content-type': 'application/scim+json', accept: 'application/scim+json' });
    expect(JSON.stringify(detail)).not.toContain(SCIM_TOKEN);
    expect(JSON.stringify(detail)).not.toContain('session=secret');
    expect(detail.caused!.map((c) => c.type)).toEqual(['user.provisioned']);
    const provisioned = (await admin.get(`/events/${detail.caused![0]!.id}`).expect(200)).body as Explained;
    // A derived event says which request caused it in full, not only by id.
    expect(provisioned).toMatchObject({ requestEventId: request.id, method: 'POST', path: '/scim/v2/Users', idp: 'okta', actor: 'idp' });
    expect(provisioned.caused).toBeUndefined();
  });

  it('member events name the user and the group', async () => {
    const user = (await t.scim.post('/Users', userBody()).expect(201)).body;
    const group = (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Support', members: [{ value: user.id }] }).expect(201)).body;
    const added = await newestOfType('member.added');
    expect(added).toMatchObject({ userId: user.id, userName: user.userName, groupId: group.id, groupName: 'Support' });
  });

  it('an injected fault carries the method and path of the request it hit', async () => {
    await admin.patch('/settings', { faults: { errorRate: 1 } }).expect(200);
    await t.scim.get('/Users').expect(503);
    const fault = await newestOfType('fault.injected');
    expect(fault).toMatchObject({ method: 'GET', path: '/scim/v2/Users', requestEventId: expect.any(Number) });
  });
});

describe('who acted', () => {
  it('idp for SCIM traffic, admin for the admin API, cli for the zi-scim command', async () => {
    await t.scim.post('/Users', userBody()).expect(201);
    await admin.patch('/settings', { deprovision: { onDelete: 'remove' } }).expect(200);
    await admin.post('/users', { userName: 'staff@example.com' }).expect(201);
    const result = await runNode(CLI, ['token', 'rotate', ...t.databaseArgs], { timeoutMs: 20_000 });
    expect(result.code, result.stderr).toBe(0);
    // The rest of this file's IdP traffic goes on with the token it knows.
    t.app.store.accounts.setToken('default', 'scim', SCIM_TOKEN);
    const all = await events();
    const actorOf = (type: string) => all.find((e) => e.type === type)?.actor;
    expect(actorOf('request')).toBe('idp');
    expect(all.find((e) => e.type === 'user.provisioned' && e.requestEventId)?.actor).toBe('idp');
    expect(actorOf('settings.changed')).toBe('admin');
    expect(all.find((e) => e.type === 'user.provisioned' && e.userName === 'staff@example.com')?.actor).toBe('admin');
    expect(actorOf('token.rotated')).toBe('cli');
    for (const e of all) expect(['idp', 'admin', 'cli', 'system']).toContain(e.actor);
  });
});

describe('the IdP of a request that says nothing of itself', () => {
  it('an Entra sequence without User-Agent reads "entra", inferred, with expectedIdp set', async () => {
    await admin.patch('/settings', { expectedIdp: 'entra' }).expect(200);
    const from = await maxEventId();
    const create = new Replay(t, loadFixture('entra-02'));
    await create.step(0);
    await create.step(1);
    const fresh = (await events()).filter((e) => e.id > from && e.type !== 'settings.changed');
    expect(fresh.map((e) => e.type).sort()).toEqual(['request', 'request', 'user.provisioned']);
    for (const e of fresh) expect(e).toMatchObject({ idp: 'entra', idpInferred: true, actor: 'idp' });
  });

  it('without the setting, the IdP last recognised on the account: Entra after its own PATCH', async () => {
    const userId = (await t.scim.post('/Users', userBody()).expect(201)).body.id as string;
    const from = await maxEventId();
    const r = new Replay(t, loadFixture('entra-20'), { userId });
    await r.step(0); // PATCH with Entra's capitalised ops: Entra by its own shape
    await r.step(1); // DELETE: nothing of its own
    await r.step(2); // GET: nothing of its own
    const requests = (await events('&type=request')).filter((e) => e.id > from).reverse();
    expect(requests.map((e) => [e.method, e.idp, e.idpInferred ?? false])).toEqual([
      ['PATCH', 'entra', false],
      ['DELETE', 'entra', true],
      ['GET', 'entra', true],
    ]);
    const deleted = await newestOfType('user.deleted');
    expect(deleted).toMatchObject({ idp: 'entra', idpInferred: true });
    // The deprovisioning record names the IdP the journal names.
    expect((await adminUser(admin, userId)).deprovisionedBy).toMatchObject({ idp: 'entra' });
  });

  it('a request with a User-Agent of its own is never relabelled', async () => {
    await admin.patch('/settings', { expectedIdp: 'okta' }).expect(200);
    await t.scim.get('/Users').set('User-Agent', 'curl/8.5.0').expect(200);
    const [request] = await eventsOfType(admin, 'request');
    expect(request).toMatchObject({ idp: 'unknown' });
    expect((request as Explained).idpInferred).toBeUndefined();
  });

  it('bad input to expectedIdp is a 400 naming the field', async () => {
    const res = await admin.patch('/settings', { expectedIdp: 'ping' }).expect(400);
    expect(res.body).toMatchObject({ error: 'invalid_input', field: 'expectedIdp' });
  });
});
