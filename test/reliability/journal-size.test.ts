import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, patchBody, userBody, type TestApp } from '../helpers/test-app.js';
import { sqlValue } from '../helpers/database.js';
import { expectScimError } from '../helpers/scim-http.js';
import { ndjson } from '../zoominfo/support.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ JOURNAL_MAX_BODY: '4kb' });
});
afterAll(() => t.close());

const newest = () => t.app.store.events.list({ accountId: 'default', type: 'request', order: 'newest', offset: 0, limit: 1 })[0]!;
const storedLength = (id: number, column: 'request' | 'response') =>
  sqlValue<number>(t.app.store, `SELECT length(CAST(${column} AS TEXT)) FROM events WHERE id = ?`, [id]);

describe('journaled bodies are bounded (issue 13, item 5)', () => {
  it('a refused 200 KB PATCH keeps the head of its body, says it was cut, and stores at most JOURNAL_MAX_BODY', async () => {
    const user = (await t.scim.post('/Users', userBody()).expect(201)).body;
    expectScimError(await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'replace', path: 'name.givenName', value: 'g'.repeat(200_000) })), 400, 'invalidValue');
    const event = newest();
    expect(event.status).toBe(400);
    expect(event.request).toMatchObject({ truncated: true, length: expect.any(Number) });
    const cut = event.request as { length: number; head: string };
    expect(cut.length).toBeGreaterThan(200_000);
    expect(cut.head.startsWith('{"schemas":')).toBe(true);
    expect(storedLength(event.id, 'request')).toBeLessThanOrEqual(4096);
  });

  it('a large accepted write keeps a cut request and a cut response', async () => {
    await t.scim.post('/Users', userBody({ title: '"'.repeat(20_000) })).expect(201);
    const event = newest();
    expect(event.status).toBe(201);
    for (const column of ['request', 'response'] as const) {
      expect(event[column]).toMatchObject({ truncated: true });
      expect(storedLength(event.id, column)).toBeLessThanOrEqual(4096);
    }
  });

  it('the NDJSON export sends one line per event, each event once', async () => {
    for (let i = 0; i < 120; i++) t.app.store.events.insert({ accountId: 'default', type: 'request', method: 'GET', path: `/x/${i}`, status: 200 });
    const total = t.app.store.events.count({ accountId: 'default' });
    const res = await ndjson(t.http.get('/admin/api/events').set('Authorization', `Bearer ${ADMIN_TOKEN}`)).expect(200);
    const ids = (res.body as string).trim().split('\n').map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids.length).toBe(total);
    expect(new Set(ids).size).toBe(total);
  });

  it('readiness can read refused user writes without their large bodies', async () => {
    const user = (await t.scim.post('/Users', userBody()).expect(201)).body;
    await t.scim.put(`/Users/${user.id}`, { ...userBody({ userName: user.userName, active: false }), nickName: 5 }).expect(400);
    await t.scim.delete('/Users/no-such-user').expect(404);
    const writes = t.app.store.rehearsal.refusedDeprovisionings('default');
    expect(writes.find((w) => w.method === 'PUT')).toMatchObject({ path: `/scim/v2/Users/${user.id}`, request: expect.objectContaining({ active: false }) });
    expect(writes.find((w) => w.method === 'DELETE')).toMatchObject({ path: '/scim/v2/Users/no-such-user', request: null });
  });
});
