import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ENTERPRISE, GROUP_SCHEMA, PATCH_OP, patchBody, USER_SCHEMA, userBody, ZOOMINFO, type TestApp } from '../helpers/test-app.js';
import { expectPrototypeClean, expectScimError } from '../helpers/scim-http.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Json = Record<string, any>;
const createUser = async (overrides: Record<string, unknown> = {}): Promise<Json> => (await t.scim.post('/Users', userBody(overrides)).expect(201)).body;
let g = 0;
const createGroup = async (members: string[] = []): Promise<Json> =>
  (await t.scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: `Patch group ${++g}`, members: members.map((value) => ({ value })) }).expect(201)).body;
const patchUser = (id: string, ...ops: unknown[]) => t.scim.patch(`/Users/${id}`, patchBody(...ops));
const patchGroup = (id: string, ...ops: unknown[]) => t.scim.patch(`/Groups/${id}`, patchBody(...ops));
const memberIds = (group: Json) => ((group.members ?? []) as { value: string }[]).map((m) => m.value).sort();
const getUser = async (id: string) => (await t.scim.get(`/Users/${id}`).expect(200)).body;
const getGroup = async (id: string) => (await t.scim.get(`/Groups/${id}`).expect(200)).body;

const richUser = () =>
  userBody({
    title: 'Engineer',
    emails: [
      { value: 'home@example.com', type: 'home' },
      { value: 'work@example.com', type: 'work', primary: true },
    ],
    phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }],
    [ENTERPRISE]: { department: 'Sales', employeeNumber: '1', manager: { value: 'mgr-1' } },
    [ZOOMINFO]: { role: 'User', licenses: ['SalesOS', 'Copilot'] },
  });

describe('PATCH /Users with a path', () => {
  it('replace, add and remove a simple attribute', async () => {
    const u = await createUser(richUser());
    expect((await patchUser(u.id, { op: 'replace', path: 'title', value: 'Lead' }).expect(200)).body.title).toBe('Lead');
    expect((await patchUser(u.id, { op: 'add', path: 'nickName', value: 'Nick' }).expect(200)).body.nickName).toBe('Nick');
    const removed = (await patchUser(u.id, { op: 'remove', path: 'title' }).expect(200)).body;
    expect(removed.title).toBeUndefined();
    expect(removed.nickName).toBe('Nick');
    expect(await getUser(u.id)).toEqual(removed);
  });

  it('a sub-attribute path', async () => {
    const u = await createUser();
    const res = (await patchUser(u.id, { op: 'replace', path: 'name.givenName', value: 'Renamed' }).expect(200)).body;
    expect(res.name).toEqual({ ...u.name, givenName: 'Renamed' });
  });

  it('add to a multi-valued attribute appends; replace overwrites', async () => {
    const u = await createUser(richUser());
    const added = (await patchUser(u.id, { op: 'add', path: 'emails', value: [{ value: 'other@example.com', type: 'other' }] }).expect(200)).body;
    expect(added.emails.map((e: Json) => e.value)).toEqual(['home@example.com', 'work@example.com', 'other@example.com']);
    const replaced = (await patchUser(u.id, { op: 'replace', path: 'emails', value: [{ value: 'only@example.com', type: 'work' }] }).expect(200)).body;
    expect(replaced.emails).toEqual([{ value: 'only@example.com', type: 'work' }]);
  });

  it('value-filter paths: replace a sub-attribute of the matching element only', async () => {
    const u = await createUser(richUser());
    const res = (await patchUser(u.id, { op: 'replace', path: 'emails[type eq "work"].value', value: 'new-work@example.com' }).expect(200)).body;
    expect(res.emails).toEqual([
      { value: 'home@example.com', type: 'home' },
      { value: 'new-work@example.com', type: 'work', primary: true },
    ]);
  });

  it('value-filter paths create the element when absent', async () => {
    const u = await createUser(richUser());
    const res = (await patchUser(u.id, { op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0199' }).expect(200)).body;
    expect(res.phoneNumbers).toContainEqual({ type: 'work', value: '+1 555 0199' });
    expect(res.phoneNumbers).toContainEqual({ value: '+1 555 0100', type: 'mobile' });
  });

  it('remove with a value filter removes only the matching element', async () => {
    const u = await createUser(richUser());
    const res = (await patchUser(u.id, { op: 'remove', path: 'emails[type eq "home"]' }).expect(200)).body;
    expect(res.emails).toEqual([{ value: 'work@example.com', type: 'work', primary: true }]);
    // Nothing matches any more: a no-op, not an error.
    expect((await patchUser(u.id, { op: 'remove', path: 'emails[type eq "home"]' }).expect(200)).body.emails).toEqual(res.emails);
  });

  it('extension URN paths', async () => {
    const u = await createUser(richUser());
    const res = (await patchUser(
      u.id,
      { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Marketing' },
      { op: 'add', path: `${ENTERPRISE}:costCenter`, value: 'CC-9' },
      { op: 'replace', path: `${ZOOMINFO}:role`, value: 'Admin' },
      { op: 'replace', path: `${ZOOMINFO}:licenses`, value: ['MarketingOS'] },
      { op: 'replace', path: `${ZOOMINFO}:credits.allocation`, value: 250 },
    ).expect(200)).body;
    expect(res[ENTERPRISE]).toEqual({ department: 'Marketing', employeeNumber: '1', manager: { value: 'mgr-1' }, costCenter: 'CC-9' });
    expect(res[ZOOMINFO]).toEqual({ role: 'Admin', licenses: ['MarketingOS'], credits: { allocation: 250 } });
    const removed = (await patchUser(u.id, { op: 'remove', path: `${ZOOMINFO}:licenses` }).expect(200)).body;
    expect(removed[ZOOMINFO]).toEqual({ role: 'Admin', credits: { allocation: 250 } });
  });

  it('removes an extension attribute and a manager by filter', async () => {
    const u = await createUser(richUser());
    const res = (await patchUser(u.id, { op: 'remove', path: `${ENTERPRISE}:manager[value eq "mgr-1"]` }, { op: 'remove', path: `${ENTERPRISE}:employeeNumber` }).expect(200)).body;
    expect(res[ENTERPRISE]).toEqual({ department: 'Sales' });
  });

  it('replace active false, then true', async () => {
    const u = await createUser();
    expect((await patchUser(u.id, { op: 'replace', path: 'active', value: false }).expect(200)).body.active).toBe(false);
    expect((await patchUser(u.id, { op: 'replace', path: 'active', value: true }).expect(200)).body.active).toBe(true);
  });
});

describe('PATCH /Users without a path', () => {
  it('replace with an object value, dotted and URN-qualified keys', async () => {
    const u = await createUser(richUser());
    const res = (await patchUser(u.id, {
      op: 'replace',
      value: {
        displayName: 'No Path',
        'name.familyName': 'Dotted',
        [`${ENTERPRISE}:employeeNumber`]: '99',
        [ZOOMINFO]: { role: 'Admin' },
        active: false,
      },
    }).expect(200)).body;
    expect(res.displayName).toBe('No Path');
    expect(res.name.familyName).toBe('Dotted');
    expect(res.name.givenName).toBe(u.name.givenName);
    expect(res[ENTERPRISE].employeeNumber).toBe('99');
    expect(res[ENTERPRISE].department).toBe('Sales');
    expect(res[ZOOMINFO].role).toBe('Admin');
    expect(res.active).toBe(false);
  });

  it('add with an object value; id, meta and schemas inside are ignored', async () => {
    const u = await createUser();
    const res = (await patchUser(u.id, { op: 'add', value: { id: 'other', schemas: [USER_SCHEMA], meta: {}, title: 'Added' } }).expect(200)).body;
    expect(res.id).toBe(u.id);
    expect(res.title).toBe('Added');
  });

  it('remove without a path is 400 noTarget', async () => {
    const u = await createUser();
    expectScimError(await patchUser(u.id, { op: 'remove' }), 400, 'noTarget');
  });
});

describe('PATCH refusals', () => {
  it.each([
    ['id', 'x'],
    ['meta', { version: 'W/"1"' }],
    ['meta.lastModified', '2020-01-01T00:00:00Z'],
    ['groups', [{ value: 'g' }]],
  ])('readOnly %s via an explicit path is 400 mutability', async (path, value) => {
    const u = await createUser();
    for (const op of ['add', 'replace', 'remove']) {
      expectScimError(await patchUser(u.id, { op, path, value }), 400, 'mutability');
    }
    expect(await getUser(u.id)).toEqual(u);
  });

  it.each(['shoeSize', 'name.shoeSize', `${ENTERPRISE}:shoeSize`, 'emails[type eq "work"].shoeSize'])('unknown path %s is 400 invalidPath', async (path) => {
    const u = await createUser();
    expectScimError(await patchUser(u.id, { op: 'replace', path, value: 'x' }), 400, 'invalidPath');
  });

  it('an unknown op is 400', async () => {
    const u = await createUser();
    expectScimError(await patchUser(u.id, { op: 'move', path: 'title', value: 'x' }), 400);
  });

  it('a body without the PatchOp schema or Operations is 400 invalidSyntax', async () => {
    const u = await createUser();
    expectScimError(await t.scim.patch(`/Users/${u.id}`, { Operations: [] }), 400, 'invalidSyntax');
    expectScimError(await t.scim.patch(`/Users/${u.id}`, { schemas: [PATCH_OP] }), 400, 'invalidSyntax');
  });

  it('a wrongly typed value is 400 invalidValue', async () => {
    const u = await createUser();
    expectScimError(await patchUser(u.id, { op: 'replace', path: `${ZOOMINFO}:credits.allocation`, value: 'many' }), 400, 'invalidValue');
  });

  it('removing userName (required) is 400 and changes nothing', async () => {
    const u = await createUser();
    expectScimError(await patchUser(u.id, { op: 'remove', path: 'userName' }), 400);
    expect(await getUser(u.id)).toEqual(u);
  });

  it('renaming onto another userName is 409 uniqueness', async () => {
    const a = await createUser();
    const b = await createUser();
    expectScimError(await patchUser(b.id, { op: 'replace', path: 'userName', value: a.userName.toUpperCase() }), 409, 'uniqueness');
  });
});

describe('PATCH is all-or-nothing', () => {
  it('a failing 2nd operation leaves the user exactly as before', async () => {
    const u = await createUser(richUser());
    const before = await getUser(u.id);
    expectScimError(await patchUser(u.id, { op: 'replace', path: 'title', value: 'Changed' }, { op: 'replace', path: 'noSuchThing', value: 1 }), 400, 'invalidPath');
    expect(await getUser(u.id)).toEqual(before);
    expectScimError(await patchUser(u.id, { op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'groups', value: [] }), 400, 'mutability');
    expect(await getUser(u.id)).toEqual(before);
  });

  it('a failing member operation leaves the group exactly as before', async () => {
    const a = await createUser();
    const b = await createUser();
    const group = await createGroup([a.id]);
    expectScimError(
      await patchGroup(
        group.id,
        { op: 'replace', path: 'displayName', value: 'Should not stick' },
        { op: 'add', path: 'members', value: [{ value: b.id }] },
        { op: 'add', path: 'members', value: [{ value: 'not-a-user' }] },
      ),
      400,
    );
    expect(await getGroup(group.id)).toEqual(group);
    expect((await getUser(b.id)).groups).toBeUndefined();
  });

  it('empty Operations is a 200 no-op', async () => {
    const u = await createUser();
    const res = await t.scim.patch(`/Users/${u.id}`, { schemas: [PATCH_OP], Operations: [] }).expect(200);
    expect(res.body).toEqual(u);
    expect(res.headers.etag).toBe(u.meta.version);
    const group = await createGroup();
    expect((await t.scim.patch(`/Groups/${group.id}`, { schemas: [PATCH_OP], Operations: [] }).expect(200)).body).toEqual(group);
  });
});

describe('PATCH /Groups members', () => {
  it('add members; adding an existing member does not duplicate', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup([a.id]);
    const res = (await patchGroup(group.id, { op: 'add', path: 'members', value: [{ value: a.id }, { value: b.id }] }).expect(200)).body;
    expect(memberIds(res)).toEqual([a.id, b.id].sort());
    const again = (await patchGroup(group.id, { op: 'add', path: 'members', value: [{ value: b.id, display: 'x' }] }).expect(200)).body;
    expect(memberIds(again)).toEqual([a.id, b.id].sort());
    expect(again.meta.version).toBe(res.meta.version);
  });

  it('add members with a no-path value', async () => {
    const a = await createUser();
    const group = await createGroup();
    const res = (await patchGroup(group.id, { op: 'add', value: { members: [{ value: a.id }] } }).expect(200)).body;
    expect(memberIds(res)).toEqual([a.id]);
  });

  it('remove by filter members[value eq "id"]', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup([a.id, b.id]);
    const res = (await patchGroup(group.id, { op: 'remove', path: `members[value eq "${a.id}"]` }).expect(200)).body;
    expect(memberIds(res)).toEqual([b.id]);
    expect((await getUser(a.id)).groups).toBeUndefined();
  });

  it('remove with path members and a value list, matched on value alone', async () => {
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    const group = await createGroup([a.id, b.id, c.id]);
    const res = (await patchGroup(group.id, { op: 'remove', path: 'members', value: [{ value: a.id }, { $ref: null, value: b.id }] }).expect(200)).body;
    expect(memberIds(res)).toEqual([c.id]);
  });

  it('removing a non-member, or from an empty group, is a no-op', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup([a.id]);
    const res = (await patchGroup(group.id, { op: 'remove', path: 'members', value: [{ value: b.id }] }).expect(200)).body;
    expect(memberIds(res)).toEqual([a.id]);
    expect((await patchGroup(group.id, { op: 'remove', path: `members[value eq "${b.id}"]` }).expect(200)).body.members).toHaveLength(1);
    const empty = await createGroup();
    expect((await patchGroup(empty.id, { op: 'remove', path: `members[value eq "${a.id}"]` }).expect(200)).body.members).toBeUndefined();
    expect((await patchGroup(empty.id, { op: 'remove', path: 'members', value: [{ value: a.id }] }).expect(200)).body.members).toBeUndefined();
  });

  it('replace members [] empties the group; remove members without value too', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const group = await createGroup([a.id, b.id]);
    expect((await patchGroup(group.id, { op: 'replace', path: 'members', value: [] }).expect(200)).body.members).toBeUndefined();
    expect((await getUser(a.id)).groups).toBeUndefined();
    await patchGroup(group.id, { op: 'add', path: 'members', value: [{ value: a.id }] }).expect(200);
    expect((await patchGroup(group.id, { op: 'remove', path: 'members' }).expect(200)).body.members).toBeUndefined();
  });

  it('replace members sets exactly the given list', async () => {
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    const group = await createGroup([a.id, b.id]);
    const res = (await patchGroup(group.id, { op: 'replace', path: 'members', value: [{ value: b.id }, { value: c.id }] }).expect(200)).body;
    expect(memberIds(res)).toEqual([b.id, c.id].sort());
  });

  it('a rename and a membership change in one PATCH', async () => {
    const a = await createUser();
    const group = await createGroup();
    const res = (await patchGroup(group.id, { op: 'replace', value: { id: group.id, displayName: `${group.displayName} (renamed)` } }, { op: 'add', path: 'members', value: [{ value: a.id }] }).expect(200)).body;
    expect(res.displayName).toBe(`${group.displayName} (renamed)`);
    expect(memberIds(res)).toEqual([a.id]);
    expect((await getUser(a.id)).groups[0].display).toBe(`${group.displayName} (renamed)`);
  });
});

describe('prototype pollution is refused', () => {
  const rawPatch = (id: string, json: string) =>
    t.scim.patch(`/Users/${id}`).set('Content-Type', 'application/scim+json').send(json);

  it.each(['__proto__.polluted', 'constructor.prototype.polluted', 'name.__proto__.polluted', 'emails[__proto__ eq "x"].value', 'emails[type eq "work"].__proto__', `${ENTERPRISE}:__proto__`, 'prototype'])(
    'path %s is 400 and pollutes nothing',
    async (path) => {
      const u = await createUser();
      for (const op of ['add', 'replace']) {
        const res = await patchUser(u.id, { op, path, value: 'yes' });
        expect(res.status).toBe(400);
        expectScimError(res, 400);
      }
      expectPrototypeClean();
      expect(await getUser(u.id)).toEqual(u);
    },
  );

  it.each([
    `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":"yes"}}}]}`,
    `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","value":{"name":{"__proto__":{"polluted":"yes"}}}}]}`,
    `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"replace","value":{"constructor":{"prototype":{"polluted":"yes"}}}}]}`,
    `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"emails","value":[{"value":"a@b.c","__proto__":{"polluted":"yes"}}]}]}`,
    `{"schemas":["${PATCH_OP}"],"__proto__":{"polluted":"yes"},"Operations":[]}`,
  ])('a raw JSON body %s is 400 and pollutes nothing', async (json) => {
    const u = await createUser();
    expectScimError(await rawPatch(u.id, json), 400);
    expectPrototypeClean();
    expect(await getUser(u.id)).toEqual(u);
  });

  it('a POST or PUT body with a __proto__ key is 400 and pollutes nothing', async () => {
    const u = await createUser();
    const before = (await t.scim.get('/Users?count=0').expect(200)).body.totalResults;
    const post = await t.scim.post('/Users').set('Content-Type', 'application/scim+json').send(`{"schemas":["${USER_SCHEMA}"],"userName":"proto@example.com","__proto__":{"polluted":"yes"}}`);
    expectScimError(post, 400);
    const nested = await t.scim.post('/Users').set('Content-Type', 'application/scim+json').send(`{"schemas":["${USER_SCHEMA}"],"userName":"proto2@example.com","name":{"__proto__":{"polluted":"yes"}}}`);
    expectScimError(nested, 400);
    const put = await t.scim.put(`/Users/${u.id}`).set('Content-Type', 'application/scim+json').send(`{"schemas":["${USER_SCHEMA}"],"userName":"${u.userName}","__proto__":{"polluted":"yes"}}`);
    expectScimError(put, 400);
    expectPrototypeClean();
    expect((await t.scim.get('/Users?count=0').expect(200)).body.totalResults).toBe(before);
    expect(await getUser(u.id)).toEqual(u);
  });

  it('a group PATCH with a polluting member path or value is 400', async () => {
    const group = await createGroup();
    expectScimError(await patchGroup(group.id, { op: 'add', path: 'members.__proto__.polluted', value: 'yes' }), 400);
    expectScimError(
      await t.scim.patch(`/Groups/${group.id}`).set('Content-Type', 'application/scim+json').send(`{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"members","value":[{"value":"x","__proto__":{"polluted":"yes"}}]}]}`),
      400,
    );
    expectPrototypeClean();
    expect(await getGroup(group.id)).toEqual(group);
  });
});
