import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { patchBody, userBody, ADMIN_TOKEN, GROUP_SCHEMA, type TestApp } from '../helpers/test-app.js';
import { rawRequest } from '../helpers/scim-http.js';
import { eventsOfType, isSortedDescending, loadFixture, Replay, type AdminApi, type AdminEvent, useResetAccountPerTest, ndjson } from '../zoominfo/support.js';

// PRODUCT.md §5: the journal as the admin API shows it: filters, order, NDJSON export, and what
// every SCIM request leaves in it.

let t: TestApp;
let admin: AdminApi;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});

const SECRET = 'Pa55-w0rd-never-journaled';

const list = async (query: string) => (await admin.get(`/events?pageSize=500${query ? `&${query}` : ''}`).expect(200)).body as { items: AdminEvent[]; total: number; page: number; pageSize: number };

/** A little history from two IdPs: users, a group, a membership change, a deactivation. */
async function history() {
  const okta = { 'User-Agent': 'Okta SCIM Client 1.0.0', Authorization: `Bearer ${'test-scim-token-0123456789'}`, 'Content-Type': 'application/scim+json' };
  const alice = await rawRequest(t, 'POST', '/scim/v2/Users', JSON.stringify(userBody({ userName: 'alice@example.com' })), okta);
  const bob = await t.scim.post('/Users', userBody({ userName: 'bob@example.com' })).expect(201);
  const aliceId = (alice.body as { id: string }).id;
  const group = await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'], displayName: 'Team', members: [{ value: aliceId }] }).expect(201);
  await t.scim.patch(`/Groups/${group.body.id}`, patchBody({ op: 'Add', path: 'members', value: [{ value: bob.body.id }] })).expect(200);
  const disable = new Replay(t, loadFixture('entra-08'), { userId: bob.body.id });
  await disable.step(0);
  return { aliceId, bobId: bob.body.id as string, groupId: group.body.id as string };
}

describe('GET /admin/api/events', () => {
  it('is a list envelope, newest first, each event with id, at, type, idp', async () => {
    await history();
    const res = await list('');
    expect(res.page).toBe(1);
    expect(res.pageSize).toBe(500);
    expect(res.total).toBe(res.items.length);
    expect(isSortedDescending(res.items.map((e) => e.id))).toBe(true);
    for (const e of res.items) {
      expect(e).toMatchObject({ id: expect.any(Number), at: expect.any(String), type: expect.any(String), idp: expect.any(String) });
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    }
    const ats = res.items.map((e) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect((await admin.get('/events').expect(200)).body.pageSize).toBe(50);
    expect((await admin.get('/events?pageSize=1000').expect(200)).body.pageSize).toBe(500);
    expect((await admin.get('/events?page=0').expect(400)).body.message).toContain('page');
  });

  it('pages', async () => {
    await history();
    const all = await list('');
    const first = (await admin.get('/events?pageSize=3&page=1').expect(200)).body;
    const second = (await admin.get('/events?pageSize=3&page=2').expect(200)).body;
    expect(first.total).toBe(all.total);
    expect([...first.items, ...second.items].map((e: AdminEvent) => e.id)).toEqual(all.items.slice(0, 6).map((e) => e.id));
  });

  it('filters by userId', async () => {
    const { bobId } = await history();
    const res = await list(`userId=${bobId}`);
    expect(res.items.length).toBeGreaterThan(0);
    expect(res.items.every((e) => e.userId === bobId)).toBe(true);
    const changes = res.items.filter((e) => e.type !== 'request');
    expect(changes.map((e) => e.type).reverse()).toEqual(['user.provisioned', 'member.added', 'user.updated', 'user.deprovisioned']);
    // The requests behind those changes name bob too (each names the user of its first change).
    const requests = res.items.filter((e) => e.type === 'request');
    expect(requests.map((e) => `${e.method} ${e.path!.split('/')[3]}`).reverse()).toEqual(['POST Users', 'PATCH Groups', 'PATCH Users']);
    for (const change of changes) expect(requests.map((r) => r.id)).toContain(change.requestEventId);
    expect(res.total).toBe(res.items.length);
  });

  it('filters by groupId', async () => {
    const { groupId } = await history();
    const res = await list(`groupId=${groupId}`);
    expect(res.items.every((e) => e.groupId === groupId)).toBe(true);
    expect(res.items.filter((e) => e.type !== 'request').map((e) => e.type).reverse()).toEqual(['group.created', 'member.added', 'member.added']);
    expect(res.items.filter((e) => e.type === 'request').map((e) => e.method).reverse()).toEqual(['POST', 'PATCH']);
  });

  it('filters by idp', async () => {
    await history();
    const okta = await list('idp=okta');
    expect(okta.items.length).toBeGreaterThan(0);
    expect(okta.items.every((e) => e.idp === 'okta')).toBe(true);
    // Told by the request itself; bob's POST sends no User-Agent, so it is Okta's by inference.
    expect(okta.items.filter((e) => !e.idpInferred).map((e) => e.type).sort()).toEqual(['request', 'user.provisioned']);
    expect(okta.items.filter((e) => e.idpInferred).map((e) => e.type).sort()).toEqual(['request', 'user.provisioned']);
    const entra = await list('idp=entra');
    // The group POST with Microsoft's schema URN and the capitalised ops are Entra's.
    expect(entra.items.filter((e) => e.type === 'request' && !e.idpInferred).map((e) => e.method).sort()).toEqual(['PATCH', 'PATCH', 'POST']);
    expect((await admin.get('/events?idp=ping').expect(400)).body.message).toContain('idp');
  });

  it('filters by type', async () => {
    await history();
    const res = await list('type=member.added');
    expect(res.items).toHaveLength(2);
    expect(res.items.every((e) => e.type === 'member.added')).toBe(true);
  });

  it('filters by since', async () => {
    await history();
    const all = await list('');
    const pivot = all.items[Math.floor(all.items.length / 2)]!;
    const since = await list(`since=${encodeURIComponent(pivot.at)}`);
    expect(since.items.every((e) => e.at >= pivot.at)).toBe(true);
    expect(since.items.map((e) => e.id)).toContain(pivot.id);
    expect(since.items.map((e) => e.id)).toEqual(all.items.filter((e) => e.at >= pivot.at).map((e) => e.id));
    expect((await list(`since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).items).toEqual([]);
    expect((await list('since=2000-01-01T00:00:00Z')).total).toBe(all.total);
    const bad = await admin.get('/events?since=yesterday').expect(400);
    expect(bad.body.message).toContain('since');
  });

  it('combines filters', async () => {
    const { bobId } = await history();
    const res = await list(`userId=${bobId}&type=user.deprovisioned&idp=entra`);
    expect(res.items).toHaveLength(1);
    expect(res.items[0]).toMatchObject({ type: 'user.deprovisioned', trigger: 'active-false', userId: bobId, idp: 'entra' });
  });

  it('Accept: application/x-ndjson streams every matching event, one per line, newest first', async () => {
    await history();
    // More than a page's worth, to show the stream is not paged.
    for (let i = 0; i < 60; i++) await t.scim.get('/Users?count=1').expect(200);
    const paged = await list('');
    const res = await ndjson(admin.get('/events')).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const text = res.body as string;
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines.length).toBe(paged.total);
    expect(lines.length).toBeGreaterThan(50);
    const events = lines.map((l) => JSON.parse(l) as AdminEvent);
    expect(events.map((e) => e.id)).toEqual(paged.items.map((e) => e.id));
    expect(events[0]).toEqual(paged.items[0]);

    const filtered = await ndjson(admin.get('/events?type=user.provisioned')).expect(200);
    const provisioned = (filtered.body as string).split('\n').filter(Boolean).map((l) => JSON.parse(l) as AdminEvent);
    expect(provisioned.map((e) => e.type)).toEqual(['user.provisioned', 'user.provisioned']);
  });
});

describe('NDJSON export beside live traffic', () => {
  it('writes go on while a slow reader holds an export open; the export is every event that existed, once', async () => {
    const { store } = t.app;
    // Enough to fill the socket buffers, so that the server is mid-export while the reader pauses.
    store.transaction(() => {
      for (let i = 0; i < 20_000; i++) store.events.insert({ accountId: 'default', type: 'settings.changed', message: `filler ${i} ${'x'.repeat(300)}` });
    });
    const before = await list('');
    const { port } = t.app.server.address() as AddressInfo;
    const chunks: string[] = [];
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/admin/api/events', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'application/x-ndjson' } }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => {
          chunks.push(chunk);
          res.pause();
          resolve(res);
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(response.statusCode).toBe(200);

    // While the export is open: a SCIM write, a settings change and their journal events.
    const created = await t.scim.post('/Users', userBody()).expect(201);
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
    await admin.patch('/settings', { scimVisibility: 'scim-only' }).expect(200);

    const rest = new Promise<void>((resolve) => response.on('end', () => resolve()));
    response.on('data', (chunk: string) => chunks.push(chunk));
    response.resume();
    await rest;
    const ids = chunks.join('').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as AdminEvent).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(before.total);
    expect(ids.slice(0, before.items.length)).toEqual(before.items.map((e) => e.id));
    expect(isSortedDescending(ids)).toBe(true);
    // The writes made meanwhile were journaled.
    expect((await list(`userId=${created.body.id}`)).items.map((e) => e.type)).toEqual(['user.provisioned', 'request']);
  });
});

describe('what a SCIM request leaves in the journal', () => {
  it('every SCIM request is journaled with method, path, status and idp', async () => {
    const created = await t.scim.post('/Users', userBody()).expect(201);
    await t.scim.get(`/Users/${created.body.id}`).expect(200);
    await t.scim.get('/Users?filter=userName%20eq%20%22nobody%40example.com%22').expect(200);
    await t.scim.get('/Users/does-not-exist').expect(404);
    await t.scim.patch(`/Users/${created.body.id}`, patchBody({ op: 'replace', path: 'nickName', value: 'N' })).expect(200);
    await t.scim.post('/Users', userBody({ userName: created.body.userName })).expect(409);
    await t.scim.delete(`/Users/${created.body.id}`).expect(204);
    await t.scim.get('/ServiceProviderConfig').expect(200);

    const requests = (await eventsOfType(admin, 'request')).reverse();
    expect(requests.map((e) => [e.method, e.path, e.status, e.idp])).toEqual([
      ['POST', '/scim/v2/Users', 201, 'unknown'],
      ['GET', `/scim/v2/Users/${created.body.id}`, 200, 'unknown'],
      ['GET', '/scim/v2/Users?filter=userName%20eq%20%22nobody%40example.com%22', 200, 'unknown'],
      ['GET', '/scim/v2/Users/does-not-exist', 404, 'unknown'],
      ['PATCH', `/scim/v2/Users/${created.body.id}`, 200, 'unknown'],
      ['POST', '/scim/v2/Users', 409, 'unknown'],
      ['DELETE', `/scim/v2/Users/${created.body.id}`, 204, 'unknown'],
      ['GET', '/scim/v2/ServiceProviderConfig', 200, 'unknown'],
    ]);
    // Every state change names its request.
    const changes = (await list('')).items.filter((e) => e.type !== 'request');
    const requestIds = new Set(requests.map((e) => e.id));
    for (const change of changes) expect(requestIds.has(change.requestEventId!)).toBe(true);
  });

  it('a refused token is journaled (a mis-pasted token is the commonest IdP setup error), without body or token', async () => {
    await t.http.get('/scim/v2/Users').set('Authorization', 'Bearer not-the-token-0000000000').expect(401);
    const [request] = await eventsOfType(admin, 'request');
    expect(request).toMatchObject({ method: 'GET', path: '/scim/v2/Users', status: 401 });
    expect(JSON.stringify(request)).not.toContain('not-the-token');
  });

  it('the IdP is recorded as detected', async () => {
    const okta = loadFixture('okta-01');
    const step = new Replay(t, okta);
    await step.step(0);
    const [request] = await eventsOfType(admin, 'request');
    expect(request).toMatchObject({ idp: 'okta', method: 'GET', status: 200 });
  });

  it('the request body is journaled with the password redacted, never its value', async () => {
    const body = userBody({ password: SECRET });
    const created = await t.scim.post('/Users', body).expect(201);
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    await t.scim.patch(`/Users/${created.body.id}`, patchBody({ op: 'replace', path: 'password', value: SECRET }, { op: 'replace', value: { password: SECRET, nickName: 'n' } })).expect(200);
    await t.scim.put(`/Users/${created.body.id}`, { ...body, password: SECRET }).expect(200);
    await t.scim.patch(`/Users/${created.body.id}`, patchBody({ op: 'Replace', path: 'PASSWORD', value: SECRET })).expect(200);

    const requests = (await eventsOfType(admin, 'request')).reverse();
    expect(requests[0]!.request).toMatchObject({ userName: body.userName, password: '[redacted]' });
    expect(requests[1]!.request).toMatchObject({
      Operations: [
        { op: 'replace', path: 'password', value: '[redacted]' },
        { op: 'replace', value: { password: '[redacted]', nickName: 'n' } },
      ],
    });
    expect(requests[2]!.request).toMatchObject({ password: '[redacted]' });
    expect(requests[3]!.request).toMatchObject({ Operations: [{ op: 'Replace', path: 'PASSWORD', value: '[redacted]' }] });

    // Nowhere in the journal, in any form.
    const everything = JSON.stringify((await list('')).items);
    expect(everything).not.toContain(SECRET);
    const detail = JSON.stringify((await admin.get(`/users/${created.body.id}`).expect(200)).body);
    expect(detail).not.toContain(SECRET);
  });

  it('a password in a rejected request is redacted too', async () => {
    await t.scim.post('/Users', { ...userBody({ password: SECRET }), userName: 7 }).expect(400);
    const [request] = await eventsOfType(admin, 'request');
    expect(request).toMatchObject({ status: 400, request: { password: '[redacted]' } });
    expect(JSON.stringify((await list('')).items)).not.toContain(SECRET);
  });

  it('a password under a URN-qualified key or in an operation with capitalised member names is redacted', async () => {
    const created = await t.scim.post('/Users', userBody()).expect(201);
    const id = created.body.id as string;
    const sent = [
      { ...userBody(), 'urn:ietf:params:scim:schemas:core:2.0:User:password': `${SECRET}-1` },
      { ...userBody(), schemas: ['urn:scim:schemas:core:2.0'], 'urn:scim:schemas:core:2.0:password': `${SECRET}-2` },
    ];
    for (const body of sent) await t.scim.post('/Users', body);
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', value: { 'urn:ietf:params:scim:schemas:core:2.0:User:password': `${SECRET}-3` } }));
    await t.scim.patch(`/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ Op: 'Replace', Path: 'password', Value: `${SECRET}-4` }] });
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:User:password', value: `${SECRET}-5` }));
    const requests = await eventsOfType(admin, 'request');
    expect(requests).toHaveLength(6);
    expect(JSON.stringify((await list('')).items)).not.toContain(SECRET);
    const [last, capitalised] = requests;
    expect(last!.request).toMatchObject({ Operations: [{ value: '[redacted]' }] });
    expect(capitalised!.request).toMatchObject({ Operations: [{ Op: 'Replace', Path: 'password', Value: '[redacted]' }] });
  });

  it('records rewrites: Entra\'s "False" is a string-boolean rewrite', async () => {
    const r = await new Replay(t, loadFixture('entra-08')).setup();
    await r.step(0);
    const [request] = await eventsOfType(admin, 'request');
    expect(request).toMatchObject({ method: 'PATCH', idp: 'entra', status: 200 });
    expect(request!.request).toMatchObject({ Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(request!.rewrites).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'string-boolean', from: 'False', to: false })]));
  });

  it('a request the normaliser left alone has no rewrites', async () => {
    await t.scim.post('/Users', userBody()).expect(201);
    const [request] = await eventsOfType(admin, 'request');
    expect(request!.rewrites).toBeUndefined();
  });

  it('settings, guard and token events are journaled', async () => {
    await admin.patch('/settings', { scimVisibility: 'all' }).expect(200);
    await admin.patch('/settings', { scimVisibility: 'scim-only' }).expect(200);
    await admin.patch('/settings', { requireSso: true }).expect(409);
    const types = (await list('')).items.map((e) => e.type);
    expect(types).toEqual(['guard.refused', 'settings.changed', 'settings.changed']);
    const [refused] = await eventsOfType(admin, 'guard.refused');
    expect(refused!.level).toBe('warning');
  });
});
