import { describe, expect, it } from 'vitest';
import { patchBody, userBody, ADMIN_TOKEN, GROUP_SCHEMA, type TestApp } from '../helpers/test-app.js';
import { isSortedDescending, type AdminApi, type AdminEvent, useResetAccountPerTest, ndjson } from '../zoominfo/support.js';

// The journal's status filter, one event by id, and request events that name their user and group
// (so filtering by user or group finds the requests as well as the changes).

let t: TestApp;
let admin: AdminApi;
useResetAccountPerTest((app, api) => {
  t = app;
  admin = api;
});

type Page = { items: AdminEvent[]; total: number };
const list = async (query: string) => (await admin.get(`/events?pageSize=500&${query}`).expect(200)).body as Page;

/** Requests answered 201, 200, 404, 409 and 429 (the rate limit), in that order. */
async function mixedStatuses() {
  const created = await t.scim.post('/Users', userBody()).expect(201);
  await t.scim.get(`/Users/${created.body.id}`).expect(200);
  await t.scim.get('/Users/no-such-user').expect(404);
  await t.scim.post('/Users', userBody({ userName: created.body.userName })).expect(409);
  await admin.patch('/settings', { faults: { rateLimit: { requests: 1, windowSeconds: 600 } } }).expect(200);
  await t.scim.get('/Users').expect(200);
  await t.scim.get('/Users').expect(429);
  await admin.patch('/settings', { faults: { rateLimit: null } }).expect(200);
  return created.body as { id: string; userName: string };
}

describe('GET /admin/api/events?status=', () => {
  it('an exact status', async () => {
    await mixedStatuses();
    const limited = await list('status=429');
    expect(limited.total).toBe(1);
    expect(limited.items.map((e) => [e.type, e.method, e.status])).toEqual([['request', 'GET', 429]]);
    expect((await list('status=404')).items.map((e) => e.path)).toEqual(['/scim/v2/Users/no-such-user']);
    expect((await list('status=418')).total).toBe(0);
  });

  it('a class: 2xx, 4xx, 5xx (events without a status never match)', async () => {
    await mixedStatuses();
    const refused = await list('status=4xx');
    expect(refused.items.map((e) => e.status)).toEqual([429, 409, 404]);
    expect(refused.total).toBe(3);
    expect(isSortedDescending(refused.items.map((e) => e.id))).toBe(true);
    const ok = await list('status=2xx');
    expect(ok.items.length).toBeGreaterThanOrEqual(3);
    expect(ok.items.every((e) => e.type === 'request' && e.status! >= 200 && e.status! < 300)).toBe(true);
    expect((await list('status=5xx')).total).toBe(0);
    // Upper case is the same class; combined with other filters.
    expect((await list('status=4XX&type=request')).total).toBe(3);
    expect((await list('status=4xx&type=user.provisioned')).total).toBe(0);
  });

  it('an injected 503 is found by its class, and its fault.injected event by type', async () => {
    await admin.patch('/settings', { faults: { errorRate: 1, methods: ['POST'] } }).expect(200);
    await t.scim.post('/Users', userBody()).expect(503);
    await admin.patch('/settings', { faults: { errorRate: 0, methods: [] } }).expect(200);
    const [failed] = (await list('status=5xx')).items;
    expect(failed).toMatchObject({ type: 'request', method: 'POST', status: 503 });
    const [fault] = (await list('type=fault.injected')).items;
    expect(fault).toMatchObject({ requestEventId: failed!.id, level: 'warning' });
  });

  it('anything else is 400 naming the field', async () => {
    for (const bad of ['abc', '4x', '600', '99', '4xxx', '2xx;DROP TABLE events', '%27%20OR%201%3D1']) {
      const res = await admin.get(`/events?status=${bad}`).expect(400);
      expect(res.body).toMatchObject({ error: 'invalid_input', field: 'status' });
      expect(res.body.message).toMatch(/^status: /);
    }
    expect((await admin.get('/events?status=4xx&status=5xx').expect(400)).body.field).toBe('status');
  });

  it('applies to the NDJSON export too', async () => {
    await mixedStatuses();
    const res = await ndjson(admin.get('/events?status=4xx')).expect(200);
    const lines = (res.body as string).split('\n').filter(Boolean).map((l) => JSON.parse(l) as AdminEvent);
    expect(lines.map((e) => e.status)).toEqual([429, 409, 404]);
  });
});

describe('GET /admin/api/events/{id}', () => {
  it('answers one event, as the list shows it', async () => {
    await mixedStatuses();
    const all = await list('');
    for (const event of all.items.slice(0, 5)) {
      const one = (await admin.get(`/events/${event.id}`).expect(200)).body;
      // A request's detail also lists what it caused (PRODUCT.md §8.2); the rest is as listed.
      const { caused, ...rest } = one;
      expect(rest).toEqual(event);
      if (event.type === 'request') expect(Array.isArray(caused)).toBe(true);
      else expect(caused).toBeUndefined();
    }
  });

  it('404 when not in this account (or no longer in the journal), 400 for an id that is no number', async () => {
    const created = await t.scim.post('/Users', userBody()).expect(201);
    const [event] = (await list(`userId=${created.body.id}`)).items;
    await admin.post('/accounts', { id: 'events-other' }).expect(201);
    try {
      const other = await admin.get(`/events/${event!.id}?account=events-other`).expect(404);
      expect(other.body.error).toBe('not_found');
      await admin.get(`/events/${event!.id}?account=no-such-account`).expect(404);
    } finally {
      await t.http.delete('/admin/api/accounts/events-other').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(204);
    }
    await admin.get('/events/999999999').expect(404);
    await admin.post('/reset').expect(200);
    await admin.get(`/events/${event!.id}`).expect(404);
    expect((await admin.get('/events/abc').expect(400)).body.field).toBe('id');
    expect((await admin.get('/events/0').expect(400)).body.field).toBe('id');
  });
});

describe('request events name their user and group', () => {
  it('a PATCH of a user: its request event carries the userId, and the user filter finds it', async () => {
    const created = await t.scim.post('/Users', userBody()).expect(201);
    const id = created.body.id as string;
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'nickName', value: 'N' })).expect(200);
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'active', value: false })).expect(200);

    const requests = (await list(`userId=${id}&type=request`)).items;
    expect(requests.map((e) => [e.method, e.path, e.status, e.userId])).toEqual([
      ['PATCH', `/scim/v2/Users/${id}`, 200, id],
      ['PATCH', `/scim/v2/Users/${id}`, 200, id],
      ['POST', '/scim/v2/Users', 201, id],
    ]);
    // Each change still names its request, and that request names the same user.
    const changes = (await list(`userId=${id}`)).items.filter((e) => e.type !== 'request');
    expect(changes.map((e) => e.type)).toEqual(['user.deprovisioned', 'user.updated', 'user.updated', 'user.provisioned']);
    for (const change of changes) expect(requests.map((r) => r.id)).toContain(change.requestEventId);
    // A read or a refused write changes nothing, and names no one.
    await t.scim.get(`/Users/${id}`).expect(200);
    await t.scim.post('/Users', userBody({ userName: created.body.userName })).expect(409);
    expect((await list(`userId=${id}&type=request`)).total).toBe(3);
  });

  it('a group write names the group (and the first member it changed), once', async () => {
    const users = await Promise.all([0, 1, 2].map(() => t.scim.post('/Users', userBody()).expect(201)));
    const [a, b, c] = users.map((u) => u.body.id as string);
    const group = await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Named', members: [{ value: a }] }).expect(201);
    const groupId = group.body.id as string;
    await t.scim.patch(`/Groups/${groupId}`, patchBody({ op: 'add', path: 'members', value: [{ value: b }, { value: c }] })).expect(200);

    const requests = (await list(`groupId=${groupId}&type=request`)).items;
    expect(requests.map((e) => [e.method, e.groupId])).toEqual([['PATCH', groupId], ['POST', groupId]]);
    const [patch, post] = requests;
    expect(post!.userId).toBe(a);
    expect(patch!.userId).toBe(b);
    // c's membership change is found by its member.added event; the request names b only.
    expect((await list(`userId=${c}`)).items.map((e) => e.type)).toEqual(['member.added', 'user.provisioned', 'request']);
  });

  it("the user's timeline holds its requests beside their changes; the requests are also listed apart", async () => {
    const created = await t.scim.post('/Users', userBody()).expect(201);
    const id = created.body.id as string;
    await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'nickName', value: 'N' })).expect(200);
    const detail = (await admin.get(`/users/${id}`).expect(200)).body as { timeline: AdminEvent[]; requests: AdminEvent[] };
    expect(detail.timeline.map((e) => e.type)).toEqual(['request', 'user.provisioned', 'request', 'user.updated']);
    expect(detail.timeline.filter((e) => e.type !== 'request').map((e) => e.requestEventId)).toEqual(detail.requests.map((e) => e.id));
    expect(detail.requests.map((e) => e.method)).toEqual(['POST', 'PATCH']);
  });
});
