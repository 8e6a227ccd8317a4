/**
 * What public SCIM conformance suites (Okta's SPEC test among them) check and the sandbox once got
 * wrong (PRODUCT.md §8.3), one test per defect, over real HTTP and a real SQLite file.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, GROUP_SCHEMA, patchBody, SCIM_TOKEN, USER_SCHEMA, userBody, type TestApp } from '../helpers/test-app.js';
import { expectScimError, rawRequest } from '../helpers/scim-http.js';

const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.http.post('/admin/api/reset').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
});

const createUser = async (overrides: Record<string, unknown> = {}) => (await t.scim.post('/Users', userBody(overrides)).expect(201)).body;
const createGroup = async (displayName: string, members: string[] = []) =>
  (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) }).expect(201)).body;
const memberIds = async (groupId: string) =>
  ((await t.scim.get(`/Groups/${groupId}`).expect(200)).body.members ?? []).map((m: { value: string }) => m.value).sort();

describe('Bulk results (RFC 7644 §3.7.3)', () => {
  it('a DELETE result has the location of what it deleted', async () => {
    const doomed = await createUser();
    const res = await t.scim.post('/Bulk', { schemas: [BULK], Operations: [{ method: 'DELETE', path: `/Users/${doomed.id}` }] }).expect(200);
    expect(res.body.Operations[0]).toMatchObject({ method: 'DELETE', status: '204', location: doomed.meta.location });
  });
});

describe('member value filters in PATCH remove paths', () => {
  it.each([
    ['members[$ref eq "x"]', 2],
    ['members[not (display eq "\\\\")]', 0],
    ['members[display eq "a" and value eq "b\\\\"]', 2],
    ['members[value eq "a\\"b"]', 2],
  ])('%s is answered without a 5xx', async (path, left) => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup('Filtered', [a.id, b.id]);
    await t.scim.patch(`/Groups/${group.id}`, patchBody({ op: 'remove', path })).expect(200);
    expect(await memberIds(group.id)).toHaveLength(left);
  });

  it('members[$ref eq "<location>"] removes the member at that location', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup('By ref', [a.id, b.id]);
    await t.scim.patch(`/Groups/${group.id}`, patchBody({ op: 'remove', path: `members[$ref eq "${a.meta.location}"]` })).expect(200);
    expect(await memberIds(group.id)).toEqual([b.id]);
  });
});

describe('discovery refuses writes before reading the body', () => {
  it.each(['/ServiceProviderConfig', '/ResourceTypes', '/Schemas', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User'])('POST %s with a body that is not JSON is 405 with Allow: GET', async (path) => {
    const res = await rawRequest(t, 'POST', `/scim/v2${path}`, 'test', { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json; charset=utf-8' });
    expectScimError(res, 405);
    expect(res.headers.allow).toBe('GET');
  });

  it('PUT with a JSON body is 405 too, and a wrong token is still 401 first', async () => {
    const put = await t.scim.put('/ServiceProviderConfig', { schemas: [] });
    expectScimError(put, 405);
    expect(put.headers.allow).toBe('GET');
    const res = await rawRequest(t, 'POST', '/scim/v2/ServiceProviderConfig', 'test', { authorization: 'Bearer wrong', 'content-type': 'application/scim+json' });
    expectScimError(res, 401);
  });
});

describe('a SCIM 1.1 PATCH', () => {
  it('is 400 naming SCIM 1.1 and where the fix is, and changes nothing', async () => {
    const user = await createUser();
    const group = await createGroup('Legacy', [user.id]);
    const res = await t.scim.patch(`/Groups/${group.id}`, { schemas: ['urn:scim:schemas:core:1.0'], members: [{ value: user.id, operation: 'delete' }] });
    expectScimError(res, 400, 'invalidSyntax');
    expect(res.body.detail).toMatch(/SCIM 1\.1 PATCH request.*configured for SCIM 1\.1/);
    expect(await memberIds(group.id)).toEqual([user.id]);
  });

  it('a 2.0 body that only forgot the PatchOp URN keeps the plain message', async () => {
    const user = await createUser();
    const res = await t.scim.patch(`/Users/${user.id}`, { schemas: [], Operations: [{ op: 'replace', path: 'title', value: 'x' }] });
    expectScimError(res, 400, 'invalidSyntax');
    expect(res.body.detail).toMatch(/must list .*PatchOp/);
  });
});

describe('schemas inside a value addressed to an extension is ignored', () => {
  const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  const ZOOMINFO = 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User';
  it.each(['add', 'replace'])('PATCH %s with the extension URN as path', async (op) => {
    const user = await createUser();
    const res = await t.scim.patch(`/Users/${user.id}`, patchBody(
      { op, path: ENTERPRISE, value: { schemas: [ENTERPRISE], employeeNumber: '1' } },
      { op, path: ZOOMINFO, value: { schemas: [ZOOMINFO], role: 'Admin' } },
    )).expect(200);
    expect(res.body[ENTERPRISE]).toEqual({ employeeNumber: '1' });
    expect(res.body[ZOOMINFO].role).toBe('Admin');
  });

  it('PUT and POST with schemas inside the extension objects', async () => {
    const created = await t.scim.post('/Users', userBody({ [ENTERPRISE]: { schemas: [ENTERPRISE], department: 'Sales' } })).expect(201);
    expect(created.body[ENTERPRISE]).toEqual({ department: 'Sales' });
    const put = await t.scim.put(`/Users/${created.body.id}`, { schemas: [USER_SCHEMA], userName: created.body.userName, [ZOOMINFO]: { Schemas: [ZOOMINFO], licenses: ['SalesOS'] } }).expect(200);
    expect(put.body[ZOOMINFO].licenses).toEqual(['SalesOS']);
  });
});

describe('PATCH that would silently do nothing', () => {
  it.each(['active', 'ACTIVE', `${USER_SCHEMA}:active`])('remove of %s is 400 invalidValue naming active: false, and changes nothing', async (path) => {
    const user = await createUser();
    const res = await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'remove', path }));
    expectScimError(res, 400, 'invalidValue');
    expect(res.body.detail).toMatch(/active.*false/);
    const after = await t.scim.get(`/Users/${user.id}`).expect(200);
    expect(after.body).toMatchObject({ active: true, meta: { version: user.meta.version } });
  });

  it('a PATCH that changes nothing the client can see keeps meta.version and ETag', async () => {
    const user = await createUser({ title: 'Same' });
    const res = await t.scim.patch(`/Users/${user.id}`, patchBody(
      { op: 'replace', path: 'title', value: 'Same' },
      { op: 'replace', path: 'active', value: 'True' },
      { op: 'add', value: { 'name.givenName': user.name.givenName } },
    )).expect(200);
    expect(res.body.meta.version).toBe(user.meta.version);
    expect(res.headers.etag).toBe(user.meta.version);
    const changed = await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'replace', path: 'title', value: 'Other' })).expect(200);
    expect(changed.body.meta.version).not.toBe(user.meta.version);
  });
});

describe('a body whose schemas does not name its resource type', () => {
  it('POST /Users naming only the Group schema is 400 invalidValue and creates nothing', async () => {
    const res = await t.scim.post('/Users', userBody({ schemas: [GROUP_SCHEMA] }));
    expectScimError(res, 400, 'invalidValue');
    expect(res.body.detail).toMatch(/Group schema/);
    expect((await t.scim.get('/Users?count=0').expect(200)).body.totalResults).toBe(0);
  });

  it('POST /Users and PUT /Groups without schemas are 400 invalidValue', async () => {
    const { schemas: _s, ...noSchemas } = userBody();
    expectScimError(await t.scim.post('/Users', noSchemas), 400, 'invalidValue');
    expectScimError(await t.scim.post('/Users', { ...noSchemas, schemas: [] }), 400, 'invalidValue');
    const group = await createGroup('Typed');
    expectScimError(await t.scim.put(`/Groups/${group.id}`, { displayName: 'Untyped' }), 400, 'invalidValue');
    expectScimError(await t.scim.put(`/Groups/${group.id}`, { schemas: [USER_SCHEMA], displayName: 'Wrong' }), 400, 'invalidValue');
    expect((await t.scim.get(`/Groups/${group.id}`).expect(200)).body.displayName).toBe('Typed');
  });

  it("OneLogin's legacy core URN still names the User schema", async () => {
    await t.scim.post('/Users', userBody({ schemas: ['urn:scim:schemas:core:2.0'] })).expect(201);
  });
});

describe('attributes no schema knows (setting unknownAttributes)', () => {
  const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  const admin = (req: import('supertest').Test) => req.set('Authorization', `Bearer ${ADMIN_TOKEN}`);
  const setPolicy = (unknownAttributes: string) => admin(t.http.patch('/admin/api/settings')).send({ unknownAttributes }).expect(200);
  const lastRequestRewrites = async () => {
    const events = await admin(t.http.get('/admin/api/events?type=request&pageSize=1')).expect(200);
    return (events.body.items[0]?.rewrites ?? []) as { rule: string; at: string; from?: unknown }[];
  };
  const dropped = async () => (await lastRequestRewrites()).filter((r) => r.rule === 'unknown-attribute-dropped');

  it('defaults to "ignore" and is part of the settings', async () => {
    const settings = await admin(t.http.get('/admin/api/settings')).expect(200);
    expect(settings.body.unknownAttributes).toBe('ignore');
  });

  it("an older Entra sample's top-level nulls (enterprise names included) are accepted, quietly", async () => {
    const res = await t.scim.post('/Users', userBody({ displayName: 'Ada', nickName: null, department: null, costCenter: null, manager: null, [ENTERPRISE]: { employeeNumber: '12', division: null } })).expect(201);
    expect(res.body[ENTERPRISE]).toEqual({ employeeNumber: '12' });
    expect(await dropped()).toEqual([]);
  });

  it("OneLogin's manager template: an empty managerId is no manager, a non-empty one is the manager's value", async () => {
    const boss = await createUser();
    const empty = await t.scim.post('/Users', userBody({ schemas: [USER_SCHEMA, ENTERPRISE], [ENTERPRISE]: { department: 'Ops', manager: { managerId: '', displayName: ' ' } } })).expect(201);
    expect(empty.body[ENTERPRISE]).toEqual({ department: 'Ops' });
    expect(await dropped()).toEqual([{ rule: 'unknown-attribute-dropped', at: `${ENTERPRISE}.manager.managerId`, from: `${ENTERPRISE}:manager.managerId` }]);
    const set = await t.scim.post('/Users', userBody({ [ENTERPRISE]: { manager: { managerId: boss.id, displayName: 'Boss' } } })).expect(201);
    expect(set.body[ENTERPRISE].manager.value).toBe(boss.id);
    expect(await lastRequestRewrites()).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'manager-id' })]));
  });

  it('a misspelled attribute in a PUT is dropped, answered with the resource as stored, and journaled by name', async () => {
    const user = await createUser({ title: 'Before' });
    const res = await t.scim.put(`/Users/${user.id}`, { schemas: [USER_SCHEMA], userName: user.userName, titel: 'After', name: { givenName: 'A', middle: 'B' } }).expect(200);
    expect(res.body.titel).toBeUndefined();
    expect(res.body.title).toBeUndefined(); // a PUT replaces: the misspelling set nothing
    expect(res.body.name).toEqual({ givenName: 'A' });
    expect(await dropped()).toEqual([
      { rule: 'unknown-attribute-dropped', at: 'titel', from: 'titel' },
      { rule: 'unknown-attribute-dropped', at: 'name.middle', from: 'name.middle' },
    ]);
  });

  it('PATCH values: unknown keys of a no-path value, of an extension and of a complex value are dropped', async () => {
    const user = await createUser();
    const custom = 'urn:ietf:params:scim:schemas:extension:custom:2.0:User:badge';
    const res = await t.scim.patch(`/Users/${user.id}`, patchBody(
      { op: 'replace', value: { title: 'T', shoeSize: 42, [custom]: 'b' } },
      { op: 'add', path: ENTERPRISE, value: { department: 'D', floor: 3 } },
      { op: 'replace', path: 'name', value: { givenName: 'G', nick: 'n' } },
    )).expect(200);
    expect(res.body).toMatchObject({ title: 'T', name: { givenName: 'G' }, [ENTERPRISE]: { department: 'D' } });
    expect((await dropped()).map((r) => r.from)).toEqual(['shoeSize', custom, `${ENTERPRISE}:floor`, 'name.nick']);
  });

  it('"reject" answers 400 invalidValue naming every unknown attribute, and changes nothing', async () => {
    await setPolicy('reject');
    try {
      const res = await t.scim.post('/Users', userBody({ favouriteColour: 'blue', department: 'x', [ENTERPRISE]: { floor: 3 }, nickName: null }));
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toContain('"favouriteColour", "department"');
      expect(res.body.detail).toContain(`"${ENTERPRISE}:floor"`);
      expect((await t.scim.get('/Users?count=0').expect(200)).body.totalResults).toBe(0);
      const user = await createUser();
      expectScimError(await t.scim.patch(`/Users/${user.id}`, patchBody({ op: 'replace', value: { shoeSize: 42 } })), 400, 'invalidValue');
      // A null is unassigned: nothing is lost, so it is dropped under "reject" too.
      await t.scim.post('/Users', userBody({ department: null })).expect(201);
    } finally {
      await setPolicy('ignore');
    }
  });
});

describe('POST /.search at the SCIM root (RFC 7644 §3.4.3)', () => {
  const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
  const search = (body: Record<string, unknown>) => t.scim.post('/.search', { schemas: [SEARCH], ...body });
  const typeOf = (r: { schemas: string[] }) => (r.schemas.includes(USER_SCHEMA) ? 'User' : 'Group');

  it('searches Users and Groups together, with the attributes asked for', async () => {
    await createUser({ externalId: 'u-ext' });
    await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Searched', externalId: 'g-ext' }).expect(201);
    const res = await search({ attributes: ['externalId'] }).expect(200);
    expect(res.body.totalResults).toBe(2);
    expect(res.body.Resources.map(typeOf)).toEqual(['User', 'Group']);
    expect(res.body.Resources.map((r: { externalId: string }) => r.externalId)).toEqual(['u-ext', 'g-ext']);
    expect(res.body.Resources[0].userName).toBeUndefined();
  });

  it('a name unknown to one type is ignored for it; a filter only one type can read matches none of the other', async () => {
    const user = await createUser();
    await createGroup('Alpha');
    const excluded = await search({ excludedAttributes: ['name', 'members'] }).expect(200);
    expect(excluded.body.Resources.map(typeOf)).toEqual(['User', 'Group']);
    expect(excluded.body.Resources[0].name).toBeUndefined();
    const byUserName = await search({ filter: `userName eq "${user.userName}"`, attributes: ['userName', 'displayName'], sortBy: 'displayName' }).expect(200);
    expect(byUserName.body).toMatchObject({ totalResults: 1, Resources: [{ id: user.id, userName: user.userName }] });
    expectScimError(await search({ filter: 'shoeSize eq "9"' }), 400, 'invalidFilter');
  });

  it('startIndex and count page over the whole list', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const [g1, g2] = [await createGroup('G1'), await createGroup('G2')];
    const ids = async (startIndex: number, count: number) => {
      const res = await search({ startIndex, count, attributes: ['id'] }).expect(200);
      expect(res.body.totalResults).toBe(4);
      return res.body.Resources.map((r: { id: string }) => r.id);
    };
    expect(await ids(1, 10)).toEqual([a.id, b.id, g1.id, g2.id]);
    expect(await ids(2, 2)).toEqual([b.id, g1.id]);
    expect(await ids(4, 2)).toEqual([g2.id]);
    expect(await ids(1, 0)).toEqual([]);
  });

  it('/Groups/.search ignores an excluded attribute that groups do not have', async () => {
    await createGroup('Beta');
    const res = await t.scim.post('/Groups/.search', { schemas: [SEARCH], excludedAttributes: ['name'] }).expect(200);
    expect(res.body.Resources[0].displayName).toBe('Beta');
  });
});
