import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, GROUP_SCHEMA, patchBody, USER_SCHEMA, userBody, type TestApp } from '../helpers/test-app.js';
import { expectScimError } from '../helpers/scim-http.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Json = Record<string, any>;
const createUser = async (overrides: Record<string, unknown> = {}): Promise<Json> => (await t.scim.post('/Users', userBody(overrides)).expect(201)).body;
let n = 0;
const createGroup = async (members: string[] = []): Promise<Json> =>
  (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: `ETag group ${++n}`, members: members.map((value) => ({ value })) }).expect(201)).body;
const get = async (path: string) => (await t.scim.get(path).expect(200)).body;
const WEAK = /^W\/"[^"]+"$/;

describe('meta.version', () => {
  it('is a weak ETag, equal to the ETag header, stable across reads and new on every change', async () => {
    const u = await createUser();
    expect(u.meta.version).toMatch(WEAK);
    const read = await t.scim.get(`/Users/${u.id}`).expect(200);
    expect(read.headers.etag).toBe(u.meta.version);
    expect(read.body.meta.version).toBe(u.meta.version);
    const patched = await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'title', value: 'v2' })).expect(200);
    expect(patched.body.meta.version).toMatch(WEAK);
    expect(patched.body.meta.version).not.toBe(u.meta.version);
    expect(patched.headers.etag).toBe(patched.body.meta.version);
    const put = await t.scim.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: u.userName, title: 'v3' }).expect(200);
    expect(put.headers.etag).toBe(put.body.meta.version);
    expect(new Set([u.meta.version, patched.body.meta.version, put.body.meta.version]).size).toBe(3);
  });

  it('list resources carry the same meta.version as GET', async () => {
    const u = await createUser();
    const list = await get(`/Users?filter=${encodeURIComponent(`id eq "${u.id}"`)}`);
    expect(list.Resources[0].meta.version).toBe(u.meta.version);
  });
});

describe('If-Match', () => {
  it('a stale If-Match on PUT, PATCH and DELETE is 412 and changes nothing', async () => {
    const u = await createUser();
    await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'title', value: 'moved on' })).expect(200);
    const current = await get(`/Users/${u.id}`);
    const stale = u.meta.version as string;

    expectScimError(await t.scim.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: u.userName, title: 'put' }).set('If-Match', stale), 412);
    expectScimError(await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'title', value: 'patch' })).set('If-Match', stale), 412);
    expectScimError(await t.scim.delete(`/Users/${u.id}`).set('If-Match', stale), 412);
    expectScimError(await t.scim.delete(`/Users/${u.id}`).set('If-Match', 'W/"no-such-version"'), 412);
    expect(await get(`/Users/${u.id}`)).toEqual(current);
  });

  it('a matching If-Match succeeds (weak or strong form, in a list, or *)', async () => {
    const u = await createUser();
    const put = await t.scim.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: u.userName, title: 'put' }).set('If-Match', u.meta.version).expect(200);
    const strong = (put.body.meta.version as string).replace(/^W\//, '');
    const patched = await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'title', value: 'patch' })).set('If-Match', strong).expect(200);
    const listed = await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'title', value: 'again' })).set('If-Match', `W/"old", ${patched.body.meta.version}`).expect(200);
    await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'title', value: 'star' })).set('If-Match', '*').expect(200);
    const current = await get(`/Users/${u.id}`);
    expect(current.meta.version).not.toBe(listed.body.meta.version);
    await t.scim.delete(`/Users/${u.id}`).set('If-Match', current.meta.version).expect(204);
    await t.scim.get(`/Users/${u.id}`).expect(404);
  });

  it('works the same on Groups', async () => {
    const g = await createGroup();
    const renamed = await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'replace', path: 'displayName', value: `${g.displayName}*` })).set('If-Match', g.meta.version).expect(200);
    expectScimError(await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'replace', path: 'displayName', value: 'stale' })).set('If-Match', g.meta.version), 412);
    expectScimError(await t.scim.put(`/Groups/${g.id}`, { schemas: [GROUP_SCHEMA], displayName: 'stale' }).set('If-Match', g.meta.version), 412);
    expectScimError(await t.scim.delete(`/Groups/${g.id}`).set('If-Match', g.meta.version), 412);
    expect(await get(`/Groups/${g.id}`)).toEqual(renamed.body);
    await t.scim.delete(`/Groups/${g.id}`).set('If-Match', renamed.body.meta.version).expect(204);
  });
});

describe('If-None-Match', () => {
  it('the current version on GET is 304 with no body; a stale one is 200', async () => {
    const u = await createUser();
    const notModified = await t.scim.get(`/Users/${u.id}`).set('If-None-Match', u.meta.version).expect(304);
    expect(notModified.text ?? '').toBe('');
    expect(notModified.headers.etag).toBe(u.meta.version);
    await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'title', value: 'changed' })).expect(200);
    const fresh = await t.scim.get(`/Users/${u.id}`).set('If-None-Match', u.meta.version).expect(200);
    expect(fresh.body.title).toBe('changed');
  });

  it('on Groups too', async () => {
    const g = await createGroup();
    await t.scim.get(`/Groups/${g.id}`).set('If-None-Match', g.meta.version).expect(304);
  });
});

describe('derived attributes change the version of what shows them', () => {
  it("a user's version changes when it joins or leaves a group", async () => {
    const u = await createUser();
    const g = await createGroup();
    await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'add', path: 'members', value: [{ value: u.id }] })).expect(200);
    const joined = await get(`/Users/${u.id}`);
    expect(joined.groups).toHaveLength(1);
    expect(joined.meta.version).not.toBe(u.meta.version);
    await t.scim.get(`/Users/${u.id}`).set('If-None-Match', u.meta.version).expect(200);
    await t.scim.delete(`/Groups/${g.id}`).expect(204);
    const left = await get(`/Users/${u.id}`);
    expect(left.groups).toBeUndefined();
    expect(left.meta.version).not.toBe(joined.meta.version);
  });

  it("a group's version changes when a member user is deleted", async () => {
    const [a, b] = [await createUser(), await createUser()];
    const g = await createGroup([a.id, b.id]);
    await t.scim.delete(`/Users/${a.id}`).expect(204);
    const after = await t.scim.get(`/Groups/${g.id}`).set('If-None-Match', g.meta.version).expect(200);
    expect(after.body.members.map((m: Json) => m.value)).toEqual([b.id]);
    expect(after.body.meta.version).not.toBe(g.meta.version);
  });

  it("a group's version changes when a member's display name changes", async () => {
    const u = await createUser({ displayName: 'Before Rename' });
    const g = await createGroup([u.id]);
    expect(g.members[0].display).toBe('Before Rename');
    await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'displayName', value: 'After Rename' })).expect(200);
    const after = await t.scim.get(`/Groups/${g.id}`).set('If-None-Match', g.meta.version).expect(200);
    expect(after.body.members[0].display).toBe('After Rename');
    expect(after.body.meta.version).not.toBe(g.meta.version);
  });

  it("a parent group's version changes when a member group is deleted", async () => {
    const child = await createGroup();
    const parent = await createGroup([child.id]);
    expect(parent.members[0]).toMatchObject({ value: child.id, type: 'Group' });
    await t.scim.delete(`/Groups/${child.id}`).expect(204);
    const after = await t.scim.get(`/Groups/${parent.id}`).set('If-None-Match', parent.meta.version).expect(200);
    expect(after.body.members).toBeUndefined();
  });

  it("a user's version changes when a group it is in is renamed", async () => {
    const u = await createUser();
    const g = await createGroup([u.id]);
    const before = await get(`/Users/${u.id}`);
    await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'replace', path: 'displayName', value: `${g.displayName} renamed` })).expect(200);
    const after = await t.scim.get(`/Users/${u.id}`).set('If-None-Match', before.meta.version).expect(200);
    expect(after.body.groups[0].display).toBe(`${g.displayName} renamed`);
  });
});
