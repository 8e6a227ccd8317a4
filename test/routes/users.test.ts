import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ENTERPRISE, GROUP_SCHEMA, patchBody, USER_SCHEMA, userBody, ZOOMINFO, type TestApp } from '../helpers/test-app.js';
import { expectScimError, LIST_RESPONSE, SEARCH_REQUEST } from '../helpers/scim-http.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const create = async (overrides: Record<string, unknown> = {}) => (await t.scim.post('/Users', userBody(overrides)).expect(201)).body;

describe('POST /Users', () => {
  it('answers 201 with Location and ETag equal to meta.location and meta.version', async () => {
    const res = await t.scim.post('/Users', userBody({ externalId: 'ext-1', [ENTERPRISE]: { employeeNumber: '7' } })).expect(201);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.headers.location).toBe(res.body.meta.location);
    expect(res.body.meta.location).toMatch(new RegExp(`/scim/v2/Users/${res.body.id}$`));
    expect(res.headers.etag).toBe(res.body.meta.version);
    expect(res.body.meta.version).toMatch(/^W\/".+"$/);
    expect(res.body.meta.resourceType).toBe('User');
    expect(res.body.schemas).toEqual([USER_SCHEMA, ENTERPRISE, ZOOMINFO]);
    expect(res.body[ZOOMINFO]).toEqual({ role: 'User' });
    expect(res.body.active).toBe(true);
    expect(res.body.externalId).toBe('ext-1');
  });

  it('a userName differing only in case is 409 uniqueness', async () => {
    await create({ userName: 'Dup.User@Example.com' });
    expectScimError(await t.scim.post('/Users', userBody({ userName: 'dup.user@EXAMPLE.com' })), 409, 'uniqueness');
  });

  it('userName uniqueness ignores case beyond ASCII too', async () => {
    await create({ userName: 'ÉLODIE.ÄRGER@example.com' });
    expectScimError(await t.scim.post('/Users', userBody({ userName: 'élodie.ärger@example.com' })), 409, 'uniqueness');
    const found = await t.scim.get(`/Users?filter=${encodeURIComponent('userName eq "élodie.ärger@EXAMPLE.com"')}`).expect(200);
    expect(found.body.totalResults).toBe(1);
  });

  it('an unknown attribute is dropped (unknownAttributes "ignore", the default; "reject": test/routes/conformance.test.ts)', async () => {
    const body = await create({ favouriteColour: 'blue' });
    expect(body.favouriteColour).toBeUndefined();
  });

  it('a missing userName is 400', async () => {
    const { userName: _u, ...body } = userBody();
    expectScimError(await t.scim.post('/Users', body), 400);
  });

  it('readOnly groups, id and meta in the body are ignored', async () => {
    const body = await create({ id: 'chosen-id', meta: { resourceType: 'User' }, groups: [{ value: 'nope' }] });
    expect(body.id).not.toBe('chosen-id');
    expect(body.groups).toBeUndefined();
  });
});

describe('what IdPs put in POST bodies', () => {
  it('extra schema URNs, meta, roles: [] and null attributes are accepted', async () => {
    const res = await t.scim
      .post('/Users', userBody({ schemas: [USER_SCHEMA, ENTERPRISE, 'urn:example:unknown'], meta: { resourceType: 'User' }, roles: [], nickName: null, [ENTERPRISE]: null }))
      .expect(201);
    expect(res.body.roles).toBeUndefined();
    expect(res.body.nickName).toBeUndefined();
    expect(res.body.schemas).toEqual([USER_SCHEMA, ZOOMINFO]);
  });

  it('an unknown extension URN as a key is dropped under the default unknownAttributes "ignore"', async () => {
    const body = await create({ 'urn:example:ext:2.0:User': { a: 1 } });
    expect(body['urn:example:ext:2.0:User']).toBeUndefined();
  });
});

describe('GET /Users/{id}', () => {
  it('returns the user with its ETag', async () => {
    const created = await create();
    const res = await t.scim.get(`/Users/${created.id}`).expect(200);
    expect(res.body).toEqual(created);
    expect(res.headers.etag).toBe(created.meta.version);
  });

  it('an unknown id is a 404 SCIM error', async () => {
    expectScimError(await t.scim.get('/Users/00000000-0000-0000-0000-000000000000'), 404);
  });
});

describe('GET /Users and POST /Users/.search', () => {
  it('lists users in a ListResponse', async () => {
    const a = await create();
    const res = await t.scim.get('/Users').expect(200);
    expect(res.body.schemas).toEqual([LIST_RESPONSE]);
    expect(res.body.totalResults).toBeGreaterThanOrEqual(1);
    expect(res.body.Resources.some((r: { id: string }) => r.id === a.id)).toBe(true);
  });

  it('a SearchRequest body filters, pages and projects', async () => {
    const a = await create({ title: 'searcher', userName: 'search-a@example.com' });
    await create({ title: 'searcher', userName: 'search-b@example.com' });
    const res = await t.scim
      .post('/Users/.search', { schemas: [SEARCH_REQUEST], filter: 'title eq "searcher"', startIndex: 1, count: 1, attributes: ['userName'], sortBy: 'userName' })
      .expect(200);
    expect(res.body.schemas).toEqual([LIST_RESPONSE]);
    expect(res.body.totalResults).toBe(2);
    expect(res.body.itemsPerPage).toBe(1);
    expect(res.body.Resources).toHaveLength(1);
    expect(Object.keys(res.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
    expect(res.body.Resources[0].id).toBe(a.id);
  });

  it('a search with an invalid filter is 400 invalidFilter', async () => {
    expectScimError(await t.scim.post('/Users/.search', { schemas: [SEARCH_REQUEST], filter: 'userName eq' }), 400, 'invalidFilter');
  });
});

describe('PUT /Users/{id}', () => {
  it('replaces: readWrite attributes missing from the body are cleared', async () => {
    const u = await create({ title: 'Boss', nickName: 'B', externalId: 'e-put', [ENTERPRISE]: { department: 'Sales' }, [ZOOMINFO]: { role: 'Admin', licenses: ['SalesOS'] } });
    const res = await t.scim.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: u.userName, displayName: 'New Name' }).expect(200);
    expect(res.body.displayName).toBe('New Name');
    for (const gone of ['title', 'nickName', 'externalId', 'name', 'emails', ENTERPRISE]) expect(res.body[gone], gone).toBeUndefined();
    // The licenses are cleared; the role is not the IdP's to clear by omission (PRODUCT.md §8.1).
    expect(res.body[ZOOMINFO]).toEqual({ role: 'Admin' });
    expect(res.headers.etag).toBe(res.body.meta.version);
    expect(res.body.meta.version).not.toBe(u.meta.version);
    expect((await t.scim.get(`/Users/${u.id}`).expect(200)).body).toEqual(res.body);
  });

  it('keeps active when the body has none', async () => {
    const u = await create({ active: false });
    const res = await t.scim.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: u.userName }).expect(200);
    expect(res.body.active).toBe(false);
    const back = await t.scim.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: u.userName, active: true }).expect(200);
    expect(back.body.active).toBe(true);
    const still = await t.scim.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: u.userName }).expect(200);
    expect(still.body.active).toBe(true);
  });

  it('ignores groups, id and meta in the body', async () => {
    const u = await create();
    const res = await t.scim.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], id: 'other', userName: u.userName, groups: [{ value: 'g' }], meta: { version: 'W/"99"' } }).expect(200);
    expect(res.body.id).toBe(u.id);
    expect(res.body.groups).toBeUndefined();
  });

  it('renaming onto another user (any case) is 409 and changes nothing', async () => {
    const a = await create();
    const b = await create();
    expectScimError(await t.scim.put(`/Users/${b.id}`, { schemas: [USER_SCHEMA], userName: a.userName.toUpperCase() }), 409, 'uniqueness');
    expect((await t.scim.get(`/Users/${b.id}`).expect(200)).body).toEqual(b);
  });

  it('a user may change the case of its own userName', async () => {
    const a = await create();
    const res = await t.scim.put(`/Users/${a.id}`, { schemas: [USER_SCHEMA], userName: a.userName.toUpperCase() }).expect(200);
    expect(res.body.userName).toBe(a.userName.toUpperCase());
  });

  it('an unknown id is 404', async () => {
    expectScimError(await t.scim.put('/Users/nope', userBody()), 404);
  });
});

describe('PATCH /Users/{id}', () => {
  it('answers 200 with the whole resource', async () => {
    const u = await create({ title: 'Engineer' });
    const res = await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'replace', path: 'displayName', value: 'Patched' })).expect(200);
    expect(res.body).toMatchObject({ id: u.id, userName: u.userName, title: 'Engineer', displayName: 'Patched', emails: u.emails, name: u.name });
    expect(res.body.meta.location).toBe(u.meta.location);
    expect(res.headers.etag).toBe(res.body.meta.version);
  });

  it('an unknown id is 404', async () => {
    expectScimError(await t.scim.patch('/Users/nope', patchBody({ op: 'replace', path: 'active', value: false })), 404);
  });
});

describe('DELETE /Users/{id}', () => {
  it('answers 204; afterwards GET is 404 and the user is not listed', async () => {
    const u = await create();
    const res = await t.scim.delete(`/Users/${u.id}`).expect(204);
    expect(res.text).toBe('');
    expectScimError(await t.scim.get(`/Users/${u.id}`), 404);
    const list = await t.scim.get(`/Users?filter=${encodeURIComponent(`id eq "${u.id}"`)}`).expect(200);
    expect(list.body.totalResults).toBe(0);
    expectScimError(await t.scim.delete(`/Users/${u.id}`), 404);
  });

  it('the userName is free again afterwards (a new user, new id)', async () => {
    const u = await create();
    await t.scim.delete(`/Users/${u.id}`).expect(204);
    const again = await t.scim.post('/Users', userBody({ userName: u.userName })).expect(201);
    expect(again.body.id).not.toBe(u.id);
  });
});

describe('groups on a User', () => {
  it('are derived from memberships, read-only, and follow the group', async () => {
    const u = await create();
    expect(u.groups).toBeUndefined();
    const g = (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: `Derived ${u.id}`, members: [{ value: u.id }] }).expect(201)).body;
    const withGroup = await t.scim.get(`/Users/${u.id}`).expect(200);
    expect(withGroup.body.groups).toEqual([{ value: g.id, display: g.displayName, $ref: `${g.meta.location}`, type: 'direct' }]);

    // A PUT's groups are ignored: membership stays as the group says.
    const put = await t.scim.put(`/Users/${u.id}`, { schemas: [USER_SCHEMA], userName: u.userName, groups: [] }).expect(200);
    expect(put.body.groups).toHaveLength(1);

    expectScimError(await t.scim.patch(`/Users/${u.id}`, patchBody({ op: 'add', path: 'groups', value: [{ value: g.id }] })), 400, 'mutability');

    await t.scim.patch(`/Groups/${g.id}`, patchBody({ op: 'remove', path: `members[value eq "${u.id}"]` })).expect(200);
    expect((await t.scim.get(`/Users/${u.id}`).expect(200)).body.groups).toBeUndefined();
  });
});

describe('password', () => {
  const secret = 'S3cret!pass-word';
  const noSecret = (body: unknown) => {
    const text = JSON.stringify(body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('"password"');
  };

  it('is accepted on POST, PUT and PATCH and never returned', async () => {
    const created = await t.scim.post('/Users', userBody({ password: secret, title: 'pw-holder' })).expect(201);
    noSecret(created.body);
    const id = created.body.id as string;
    noSecret((await t.scim.put(`/Users/${id}`, { schemas: [USER_SCHEMA], userName: created.body.userName, password: secret, title: 'pw-holder' }).expect(200)).body);
    noSecret((await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', path: 'password', value: secret })).expect(200)).body);
    noSecret((await t.scim.patch(`/Users/${id}`, patchBody({ op: 'replace', value: { password: secret } })).expect(200)).body);
    noSecret((await t.scim.get(`/Users/${id}`).expect(200)).body);
    noSecret((await t.scim.get(`/Users/${id}?attributes=password`).expect(200)).body);
    noSecret((await t.scim.get('/Users').expect(200)).body);
    noSecret((await t.scim.get(`/Users?filter=${encodeURIComponent('title eq "pw-holder"')}`).expect(200)).body);
    const search = await t.scim.post('/Users/.search', { schemas: [SEARCH_REQUEST], filter: 'title eq "pw-holder"' }).expect(200);
    expect(search.body.totalResults).toBe(1);
    noSecret(search.body);
  });

  it('is stored (the digest changes with a new password)', async () => {
    const created = await t.scim.post('/Users', userBody({ password: secret })).expect(201);
    const digest = () => t.app.store.users.findById('default', created.body.id)!.passwordDigest;
    const first = digest();
    expect(first).toMatch(/^scrypt\$/);
    await t.scim.patch(`/Users/${created.body.id}`, patchBody({ op: 'replace', path: 'password', value: 'another-one' })).expect(200);
    expect(digest()).not.toBe(first);
  });
});
