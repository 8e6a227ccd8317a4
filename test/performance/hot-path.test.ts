import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, ADMIN_TOKEN, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA, type TestApp } from '../helpers/test-app.js';
import { failNextCommit } from '../helpers/database.js';
import { project } from '../../src/scim/projection.js';
import { groupResourceType, userResourceType } from '../../src/scim/schema/resource-types.js';

// The issue "Performance": group commit, the deferred journal of reads, remembered pages and
// counts, cached settings, the users' displayName index. Each keeps the behaviour it speeds up.

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

const user = (userName: string, extra: Record<string, unknown> = {}) => ({ schemas: [USER_SCHEMA], userName, ...extra });
/** Longer than the 5 ms for which a reading of another process's changes is trusted. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const admin = (path: string) => t.http.get(`/admin/api${path}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);

describe('group commit', () => {
  it('acknowledges concurrent writes only once committed, each with its complete journal entry', async () => {
    t = await createTestApp();
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => t.scim.post('/Users', user(`gc${i}@example.com`))));
    expect(answers.map((a) => a.status)).toEqual(Array(25).fill(201));
    // Another connection sees them: committed, not merely written in the server's connection.
    const other = new Database(t.databasePath, { readonly: true });
    try {
      const ids = answers.map((a) => a.body.id as string);
      const count = other.prepare(`SELECT count(*) FROM users WHERE id IN (${ids.map(() => '?').join(',')})`).pluck().get(...ids);
      expect(count).toBe(25);
      // Each request event already holds its status and response, written in the write's transaction.
      const events = other.prepare(`SELECT status, response FROM events WHERE type = 'request' AND method = 'POST'`).all() as { status: number; response: string }[];
      expect(events).toHaveLength(25);
      for (const e of events) {
        expect(e.status).toBe(201);
        expect(ids).toContain(JSON.parse(e.response).id);
      }
    } finally {
      other.close();
    }
  });

  it('a failing write in a batch is undone alone', async () => {
    t = await createTestApp();
    const answers = await Promise.all([
      t.scim.post('/Users', user('same@example.com')),
      t.scim.post('/Users', user('SAME@example.com')),
      t.scim.post('/Users', user('other@example.com')),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 409]);
    const list = await t.scim.get('/Users?filter=' + encodeURIComponent('userName sw "s" or userName sw "o"')).expect(200);
    expect(list.body.totalResults).toBe(2);
  });

  it('when the commit fails, no write of the batch is acknowledged and none is kept', async () => {
    t = await createTestApp();
    const restore = failNextCommit(t.app.store);
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => t.scim.post('/Users', user(`lost${i}@example.com`))));
    restore();
    // The first batch failed (its requests answered 500); later ones, if any, committed.
    const failed = answers.filter((a) => a.status === 500);
    expect(failed.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 500 || a.status === 201)).toBe(true);
    const list = await t.scim.get('/Users?filter=' + encodeURIComponent('userName sw "lost"')).expect(200);
    expect(list.body.totalResults).toBe(answers.length - failed.length);
    // The server goes on.
    await t.scim.post('/Users', user('after@example.com')).expect(201);
    // The injected failure's 500s are not in the OpenAPI document, rightly: nothing else may differ.
    expect(t.responseMismatches.every((m) => m.problem.startsWith('undocumented status 500'))).toBe(true);
    t.responseMismatches.splice(0);
  });
});

describe('the journal of reads', () => {
  it('a GET is journaled a moment later, and any read of the journal sees it at once', async () => {
    t = await createTestApp();
    const id = (await t.scim.post('/Users', user('read@example.com')).expect(201)).body.id as string;
    await t.scim.get(`/Users/${id}`).expect(200);
    const events = await admin('/events?type=request').expect(200);
    const paths = events.body.items.map((e: { method: string; path: string; status: number }) => `${e.method} ${e.path} ${e.status}`);
    expect(paths).toContain(`GET /scim/v2/Users/${id} 200`);
  });

  it('is written when the app closes', async () => {
    t = await createTestApp();
    await t.scim.get('/Users?count=1').expect(200);
    const path = t.databasePath;
    await t.app.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare(`SELECT count(*) FROM events WHERE method = 'GET'`).pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe('pages and totals', () => {
  it('sequential pages stay right when users are deleted or changed meanwhile, here or by another process', async () => {
    t = await createTestApp();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await t.scim.post('/Users', user(`p${String(i).padStart(2, '0')}@example.com`)).expect(201)).body.id);
    const page = async (startIndex: number) => {
      const res = await t.scim.get(`/Users?startIndex=${startIndex}&count=10`).expect(200);
      return { total: res.body.totalResults as number, ids: (res.body.Resources as { id: string }[]).map((r) => r.id) };
    };
    expect(await page(1)).toEqual({ total: 30, ids: ids.slice(0, 10) });
    expect(await page(11)).toEqual({ total: 30, ids: ids.slice(10, 20) });
    expect(await page(21)).toEqual({ total: 30, ids: ids.slice(20, 30) });
    // A deletion before the page shifts it.
    await t.scim.delete(`/Users/${ids[3]}`).expect(204);
    expect(await page(11)).toEqual({ total: 29, ids: ids.slice(11, 21) });
    // A creation adds to the total.
    ids.push((await t.scim.post('/Users', user('p30@example.com')).expect(201)).body.id);
    expect(await page(21)).toEqual({ total: 30, ids: ids.slice(21, 31) });
    // Another connection (a zi-scim command on the same file) hides a user.
    const other = new Database(t.databasePath);
    try {
      other.prepare(`UPDATE users SET scim_deleted_at = '2025-01-01T00:00:00Z' WHERE id = ?`).run(ids[0]);
    } finally {
      other.close();
    }
    await settle(); // seen within 5 ms (src/store/external-changes.ts)
    expect(await page(11)).toEqual({ total: 29, ids: ids.slice(12, 22) });
    expect((await page(1)).ids[0]).toBe(ids[1]);
    // Past the end: an empty page with the total.
    expect(await page(500)).toEqual({ total: 29, ids: [] });
  });

  it('a page shows each user with its groups, as a single GET does', async () => {
    t = await createTestApp();
    const a = (await t.scim.post('/Users', user('ga@example.com')).expect(201)).body.id as string;
    const b = (await t.scim.post('/Users', user('gb@example.com')).expect(201)).body.id as string;
    await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'G1', members: [{ value: a }, { value: b }] }).expect(201);
    await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'G2', members: [{ value: b }] }).expect(201);
    const list = await t.scim.get('/Users?startIndex=1&count=10').expect(200);
    for (const resource of list.body.Resources as { id: string }[]) {
      const single = await t.scim.get(`/Users/${resource.id}`).expect(200);
      expect(resource).toEqual(single.body);
    }
    expect((list.body.Resources as { groups?: { display: string }[] }[]).map((r) => (r.groups ?? []).map((g) => g.display))).toEqual([['G1'], ['G1', 'G2']]);
  });
});

describe('filters that take an index', () => {
  it('displayName eq on Users, without case, names written before the index included', async () => {
    t = await createTestApp();
    const elodie = (await t.scim.post('/Users', user('elodie@example.com', { displayName: 'ÉLODIE Martin' })).expect(201)).body.id;
    await t.scim.post('/Users', user('ken@example.com', { displayName: 'Ken Thompson' })).expect(201);
    const find = async (name: string) =>
      ((await t.scim.get('/Users?filter=' + encodeURIComponent(`displayName eq "${name}"`)).expect(200)).body.Resources as { id: string }[]).map((r) => r.id);
    expect(await find('élodie martin')).toEqual([elodie]);
    expect(await find('ken thompson')).toHaveLength(1);
    expect(await find('nobody')).toEqual([]);
    // A row whose key migrations/0002 could not compute (non-ASCII) is still found.
    const other = new Database(t.databasePath);
    try {
      other.prepare(`UPDATE users SET display_name_key = char(1) WHERE id = ?`).run(elodie);
    } finally {
      other.close();
    }
    expect(await find('Élodie MARTIN')).toEqual([elodie]);
  });
});

describe('serialising without parsing (representJson)', () => {
  it('gives exactly the text JSON.stringify gives of the representation, for users and groups, with and without excludedAttributes', async () => {
    t = await createTestApp();
    const bodies = [
      user('plain@example.com'),
      user('full@example.com', {
        externalId: 'e1', displayName: 'Ünïcode "quoted" \\ name', title: 'a\u0001b\u2028c', active: false,
        name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'full@example.com', type: 'work', primary: true }],
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '7', department: 'D' },
        'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User': { role: 'Admin', licenses: ['SalesOS'] },
      }),
    ];
    const users: string[] = [];
    for (const body of bodies) users.push((await t.scim.post('/Users', body).expect(201)).body.id);
    const inner = (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Inner', members: [{ value: users[0] }] }).expect(201)).body.id;
    const groups = [
      inner,
      (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Outer "x"', externalId: 'g', members: [{ value: users[1] }, { value: inner }, { value: users[0] }] }).expect(201)).body.id,
      (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Empty' }).expect(201)).body.id,
    ];
    const ctx = { accountId: 'default', idp: 'unknown', method: 'GET', path: '/', requestId: 'r', baseUrl: 'http://host/scim/v2' };
    for (const projection of [{}, { excludedAttributes: ['groups'] }, { excludedAttributes: ['Groups', 'urn:ietf:params:scim:schemas:core:2.0:User:groups'] }]) {
      for (const id of users) {
        const row = t.app.users.get(ctx, id);
        expect(t.app.users.toScimJson(ctx, row, projection)).toBe(JSON.stringify(project(userResourceType, t.app.users.toScim(ctx, row, projection), projection)));
      }
    }
    for (const projection of [{}, { excludedAttributes: ['members'] }]) {
      for (const id of groups) {
        const row = t.app.groups.get(ctx, id);
        expect(t.app.groups.toScimJson(ctx, row, projection)).toBe(JSON.stringify(project(groupResourceType, t.app.groups.toScim(ctx, row, projection), projection)));
      }
    }
    // attributes= takes the object path.
    expect(t.app.users.toScimJson(ctx, t.app.users.get(ctx, users[0]!), { attributes: ['userName'] })).toBeNull();
  });
});

describe('write answers', () => {
  it('honour excludedAttributes (RFC 7644 §3.9): a large group is patched without its members in the answer', async () => {
    t = await createTestApp();
    const u = (await t.scim.post('/Users', user('m@example.com')).expect(201)).body.id as string;
    const v = (await t.scim.post('/Users', user('n@example.com')).expect(201)).body.id as string;
    const group = await t.scim.post('/Groups?excludedAttributes=members', { schemas: [GROUP_SCHEMA], displayName: 'Big', members: [{ value: u }] }).expect(201);
    expect(group.body.members).toBeUndefined();
    expect(group.headers.location).toBe(group.body.meta.location);
    const add = { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: v }] }] };
    const patched = await t.scim.patch(`/Groups/${group.body.id}?excludedAttributes=members`, add).expect(200);
    expect(patched.body.members).toBeUndefined();
    expect(patched.body.displayName).toBe('Big');
    const full = await t.scim.get(`/Groups/${group.body.id}`).expect(200);
    expect(full.body.members.map((m: { value: string }) => m.value).sort()).toEqual([u, v].sort());
    expect(patched.headers.etag).toBe(full.headers.etag);
    const unchanged = await t.scim.patch(`/Groups/${group.body.id}`, add).expect(200);
    expect(unchanged.body.members).toHaveLength(2);
  });
});

describe('cached settings', () => {
  it('follow a change made by another process', async () => {
    t = await createTestApp();
    await t.scim.get('/Users?count=0').expect(200);
    const other = new Database(t.databasePath);
    try {
      const settings = JSON.parse(other.prepare(`SELECT settings FROM accounts WHERE id = 'default'`).pluck().get() as string);
      other.prepare(`UPDATE accounts SET settings = ? WHERE id = 'default'`).run(JSON.stringify({ ...settings, autoProvisioning: false }));
    } finally {
      other.close();
    }
    await settle(); // seen within 5 ms (src/store/external-changes.ts)
    await t.scim.get('/Users?count=0').expect(403);
  });
});
