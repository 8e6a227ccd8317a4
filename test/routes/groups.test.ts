import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, GROUP_SCHEMA, patchBody, userBody, type TestApp } from '../helpers/test-app.js';
import { expectScimError, LIST_RESPONSE, SEARCH_REQUEST } from '../helpers/scim-http.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

let n = 0;
const groupBody = (overrides: Record<string, unknown> = {}) => ({ schemas: [GROUP_SCHEMA], displayName: `Group ${++n} ${Date.now()}`, ...overrides });
const createUser = async (overrides: Record<string, unknown> = {}) => (await t.scim.post('/Users', userBody(overrides)).expect(201)).body;
const createGroup = async (overrides: Record<string, unknown> = {}) => (await t.scim.post('/Groups', groupBody(overrides)).expect(201)).body;
const memberIds = (group: { members?: { value: string }[] }) => (group.members ?? []).map((m) => m.value).sort();

describe('POST /Groups', () => {
  it('answers 201 with Location and ETag, members with display, $ref and type', async () => {
    const u = await createUser({ displayName: 'Member One' });
    const res = await t.scim.post('/Groups', groupBody({ externalId: 'g-ext', members: [{ value: u.id, $ref: null }] })).expect(201);
    expect(res.headers.location).toBe(res.body.meta.location);
    expect(res.body.meta.location).toMatch(new RegExp(`/scim/v2/Groups/${res.body.id}$`));
    expect(res.headers.etag).toBe(res.body.meta.version);
    expect(res.body.schemas).toEqual([GROUP_SCHEMA]);
    expect(res.body.externalId).toBe('g-ext');
    expect(res.body.members).toEqual([{ value: u.id, display: 'Member One', $ref: u.meta.location, type: 'User' }]);
  });

  it('a displayName differing only in case is 409 uniqueness', async () => {
    const g = await createGroup();
    expectScimError(await t.scim.post('/Groups', groupBody({ displayName: g.displayName.toUpperCase() })), 409, 'uniqueness');
  });

  it('displayName uniqueness ignores case beyond ASCII too', async () => {
    await createGroup({ displayName: 'ÉQUIPE ÜBER' });
    expectScimError(await t.scim.post('/Groups', groupBody({ displayName: 'équipe über' })), 409, 'uniqueness');
    const found = await t.scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "Équipe über"')}`).expect(200);
    expect(found.body.totalResults).toBe(1);
  });

  it('a member that is no user or group is 400 and nothing is created', async () => {
    const name = `Ghost members ${Date.now()}`;
    expectScimError(await t.scim.post('/Groups', groupBody({ displayName: name, members: [{ value: 'no-such-id' }] })), 400, 'invalidValue');
    const found = await t.scim.get(`/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`).expect(200);
    expect(found.body.totalResults).toBe(0);
  });

  it('a member without a value is 400, not a server error', async () => {
    const res = await t.scim.post('/Groups', groupBody({ members: [{ display: 'nobody' }] }));
    expectScimError(res, 400, 'invalidValue');
    expect(res.body.detail).toMatch(/needs a string "value"/);
  });

  it('a displayName is required', async () => {
    expectScimError(await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA] }), 400);
  });

  it("Entra's extra schema URN is accepted", async () => {
    const res = await t.scim.post('/Groups', groupBody({ schemas: [GROUP_SCHEMA, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'] })).expect(201);
    expect(res.body.schemas).toEqual([GROUP_SCHEMA]);
  });

  it('an unknown attribute is dropped under the default unknownAttributes "ignore"', async () => {
    const res = await t.scim.post('/Groups', groupBody({ owner: 'x' })).expect(201);
    expect(res.body.owner).toBeUndefined();
  });
});

describe('GET /Groups', () => {
  it('lists groups; excludedAttributes=members drops members', async () => {
    const u = await createUser();
    const g = await createGroup({ members: [{ value: u.id }] });
    const all = await t.scim.get('/Groups').expect(200);
    expect(all.body.schemas).toEqual([LIST_RESPONSE]);
    expect(all.body.Resources.find((r: { id: string }) => r.id === g.id).members).toHaveLength(1);

    const lean = await t.scim.get('/Groups?excludedAttributes=members').expect(200);
    expect(lean.body.totalResults).toBe(all.body.totalResults);
    for (const r of lean.body.Resources) expect(r).not.toHaveProperty('members');
    expect(lean.body.Resources.find((r: { id: string }) => r.id === g.id)).toMatchObject({ id: g.id, displayName: g.displayName, meta: g.meta });

    const filtered = await t.scim.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${g.displayName}"`)}`).expect(200);
    expect(filtered.body.totalResults).toBe(1);
    expect(filtered.body.Resources[0]).not.toHaveProperty('members');

    const one = await t.scim.get(`/Groups/${g.id}?excludedAttributes=members`).expect(200);
    expect(one.body).not.toHaveProperty('members');
    expect(one.body.displayName).toBe(g.displayName);
  });

  it('GET /Groups/{id}; unknown id 404', async () => {
    const g = await createGroup();
    const res = await t.scim.get(`/Groups/${g.id}`).expect(200);
    expect(res.body).toEqual(g);
    expect(res.headers.etag).toBe(g.meta.version);
    expectScimError(await t.scim.get('/Groups/nope'), 404);
  });

  it('filters on members.value', async () => {
    const u = await createUser();
    const g = await createGroup({ members: [{ value: u.id }] });
    const res = await t.scim.get(`/Groups?filter=${encodeURIComponent(`members[value eq "${u.id}"]`)}&excludedAttributes=members`).expect(200);
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([g.id]);
  });

  it('POST /Groups/.search', async () => {
    const g = await createGroup({ externalId: 'searchable-group' });
    const res = await t.scim.post('/Groups/.search', { schemas: [SEARCH_REQUEST], filter: 'externalId eq "searchable-group"', excludedAttributes: ['members'] }).expect(200);
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0].id).toBe(g.id);
  });
});

describe('PUT /Groups/{id}', () => {
  it('replaces displayName, externalId and members', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const g = await createGroup({ externalId: 'old', members: [{ value: a.id }] });
    const res = await t.scim.put(`/Groups/${g.id}`, { schemas: [GROUP_SCHEMA], displayName: `${g.displayName} renamed`, members: [{ value: b.id }] }).expect(200);
    expect(res.body.displayName).toBe(`${g.displayName} renamed`);
    expect(res.body.externalId).toBeUndefined();
    expect(memberIds(res.body)).toEqual([b.id]);
    expect(res.headers.etag).toBe(res.body.meta.version);
    expect((await t.scim.get(`/Users/${a.id}`).expect(200)).body.groups).toBeUndefined();
    expect((await t.scim.get(`/Users/${b.id}`).expect(200)).body.groups).toHaveLength(1);
  });

  it('without members empties the group', async () => {
    const a = await createUser();
    const g = await createGroup({ members: [{ value: a.id }] });
    const res = await t.scim.put(`/Groups/${g.id}`, { schemas: [GROUP_SCHEMA], displayName: g.displayName }).expect(200);
    expect(res.body.members).toBeUndefined();
  });

  it('renaming onto another group is 409 uniqueness', async () => {
    const a = await createGroup();
    const b = await createGroup();
    expectScimError(await t.scim.put(`/Groups/${b.id}`, { schemas: [GROUP_SCHEMA], displayName: a.displayName.toLowerCase() }), 409, 'uniqueness');
    expect((await t.scim.get(`/Groups/${b.id}`).expect(200)).body).toEqual(b);
  });
});

describe('setting groupPatchResponse', () => {
  const admin = (req: import('supertest').Test) => req.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const setAnswer = (groupPatchResponse: string) => admin(t.http.patch('/admin/api/settings')).send({ groupPatchResponse }).expect(200);

  it('defaults to "resource": 200 with the whole group', async () => {
    expect((await admin(t.http.get('/admin/api/settings')).expect(200)).body.groupPatchResponse).toBe('resource');
    const u = await createUser();
    const g = await createGroup();
    const res = await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'add', path: 'members', value: [{ value: u.id }] })).expect(200);
    expect(memberIds(res.body)).toEqual([u.id]);
  });

  it('"no-content": 204 with the new ETag and no body; the change is made; a projection still gets 200', async () => {
    const u = await createUser();
    const v = await createUser();
    const g = await createGroup();
    await setAnswer('no-content');
    try {
      const res = await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'add', path: 'members', value: [{ value: u.id }] })).expect(204);
      expect(res.text).toBe('');
      const now = await t.scim.get(`/Groups/${g.id}`).expect(200);
      expect(memberIds(now.body)).toEqual([u.id]);
      expect(res.headers.etag).toBe(now.body.meta.version);
      expect(res.headers.etag).not.toBe(g.meta.version);

      const projected = await t.scim.patch(`/Groups/${g.id}?excludedAttributes=members`, patchBody({ op: 'add', path: 'members', value: [{ value: v.id }] })).expect(200);
      expect(projected.body).not.toHaveProperty('members');
      expect(projected.headers.etag).toBe(projected.body.meta.version);
      const named = await t.scim.patch(`/Groups/${g.id}?attributes=displayName`, patchBody({ op: 'remove', path: `members[value eq "${v.id}"]` })).expect(200);
      expect(named.body.displayName).toBe(g.displayName);
      expect(named.body).not.toHaveProperty('members');

      // Users are not groups: their PATCH answer is unchanged; a refused PATCH is still its error.
      await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'title', value: 'T' })).expect(200);
      expectScimError(await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] })), 400, 'invalidValue');
    } finally {
      await setAnswer('resource');
    }
  });

  it('an unknown value is refused', async () => {
    const res = await admin(t.http.patch('/admin/api/settings')).send({ groupPatchResponse: 'none' });
    expect(res.status).toBe(400);
  });
});

describe('PATCH /Groups/{id}', () => {
  it('answers 200 with the whole group', async () => {
    const u = await createUser();
    const g = await createGroup({ members: [{ value: u.id }] });
    const res = await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'replace', path: 'displayName', value: `${g.displayName}!` })).expect(200);
    expect(res.body).toMatchObject({ id: g.id, displayName: `${g.displayName}!`, members: g.members });
    expect(res.headers.etag).toBe(res.body.meta.version);
  });

  it('renaming onto another group is 409 uniqueness', async () => {
    const a = await createGroup();
    const b = await createGroup();
    expectScimError(await t.scim.patch(`/Groups/${b.id}`, patchBody({ op: 'replace', value: { displayName: a.displayName } })), 409, 'uniqueness');
  });
});

describe('DELETE /Groups/{id}', () => {
  it('answers 204; afterwards GET is 404 and members lose the group', async () => {
    const u = await createUser();
    const g = await createGroup({ members: [{ value: u.id }] });
    await t.scim.delete(`/Groups/${g.id}`).expect(204);
    expectScimError(await t.scim.get(`/Groups/${g.id}`), 404);
    expect((await t.scim.get(`/Users/${u.id}`).expect(200)).body.groups).toBeUndefined();
    // The name is free again.
    await t.scim.post('/Groups', groupBody({ displayName: g.displayName })).expect(201);
  });

  it('a deleted user leaves the groups it was in', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const g = await createGroup({ members: [{ value: a.id }, { value: b.id }] });
    await t.scim.delete(`/Users/${a.id}`).expect(204);
    expect(memberIds((await t.scim.get(`/Groups/${g.id}`).expect(200)).body)).toEqual([b.id]);
  });
});
