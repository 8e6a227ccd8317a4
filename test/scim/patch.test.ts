import { afterEach, describe, expect, it } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import { groupResourceType, userResourceType } from '../../src/scim/schema/resource-types.js';
import type { ResourceTypeDef } from '../../src/scim/schema/resource-types.js';
import { applyPatch, readPatchRequest, type PatchOperation, type PatchResult } from '../../src/scim/patch/apply-patch.js';
import { parsePatchPath } from '../../src/scim/patch/patch-path.js';

type Json = Record<string, unknown>;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ZI = 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A stored user as the users service hands it to applyPatch. */
const user = (): Json => ({
  userName: 'alice@example.com',
  externalId: 'ext-1',
  name: { givenName: 'Alice', familyName: 'Young', formatted: 'Alice Young' },
  displayName: 'Alice Young',
  active: true,
  emails: [
    { type: 'work', value: 'alice@acme.com', primary: true },
    { type: 'home', value: 'alice@home.example' },
  ],
  [ENT]: { employeeNumber: '42', department: 'Sales', manager: { value: 'm1' } },
  [ZI]: { role: 'User', licenses: ['SalesOS'], credits: { allocation: 100, resetPeriod: 'monthly' } },
});

const bareUser = (): Json => ({ userName: 'bob@example.com', active: true });
const group = (): Json => ({ displayName: 'Engineering', externalId: 'g-ext' });

const patch = (ops: PatchOperation[], current: Json = user(), rt: ResourceTypeDef = userResourceType): PatchResult =>
  applyPatch(rt, current, ops);
const resourceAfter = (ops: PatchOperation[], current: Json = user()): Json => patch(ops, current).resource;

/** Runs fn and returns the ScimError it throws; fails the test on anything else. */
function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw new Error(`expected a ScimError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ScimError, but nothing was thrown');
}

function expect400(fn: () => unknown, ...scimTypes: string[]): ScimError {
  const error = scimErrorOf(fn);
  expect(error.status).toBe(400);
  if (scimTypes.length) expect(scimTypes).toContain(error.scimType);
  return error;
}

/** Every key at every depth, to prove that a dotted or mis-cased key was never stored literally. */
const allKeys = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap(allKeys)
    : value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => [k, ...allKeys(v)])
      : [];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('paths on simple attributes (RFC 7644 §3.5.2)', () => {
  it('replaces, adds and removes a single-valued attribute', () => {
    const r = resourceAfter([
      { op: 'replace', path: 'userName', value: 'alice2@example.com' },
      { op: 'add', path: 'nickName', value: 'Al' },
      { op: 'remove', path: 'displayName' },
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'externalId', value: 'ext-2' },
    ]);
    expect(r).toMatchObject({ userName: 'alice2@example.com', nickName: 'Al', active: false, externalId: 'ext-2' });
    expect(r.displayName).toBeUndefined();
  });

  it('add replaces an existing single value (§3.5.2.1)', () => {
    expect(resourceAfter([{ op: 'add', path: 'displayName', value: 'A. Young' }]).displayName).toBe('A. Young');
  });

  it('removing an attribute that is not there is a no-op', () => {
    expect(resourceAfter([{ op: 'remove', path: 'nickName' }])).toEqual(user());
  });

  it('null (what Okta and OneLogin send for a cleared field) unsets the attribute', () => {
    const r = resourceAfter([
      { op: 'replace', path: 'displayName', value: null },
      { op: 'replace', path: 'title', value: null },
    ]);
    expect('displayName' in r).toBe(false);
    expect('title' in r).toBe(false);
  });

  it('an add or replace without any value is refused (§3.5.2.1: value MUST be present)', () => {
    expect400(() => patch([{ op: 'add', path: 'nickName' }]), 'invalidValue');
    expect400(() => patch([{ op: 'replace', path: 'nickName' }]), 'invalidValue');
  });

  it('leaves the rest of the resource as it was', () => {
    const r = resourceAfter([{ op: 'replace', path: 'title', value: 'CTO' }]);
    expect(r).toEqual({ ...user(), title: 'CTO' });
  });
});

describe('paths on complex attributes', () => {
  it('replaces one sub-attribute and keeps the others', () => {
    const r = resourceAfter([{ op: 'replace', path: 'name.givenName', value: 'Alicia' }]);
    expect(r.name).toEqual({ givenName: 'Alicia', familyName: 'Young', formatted: 'Alice Young' });
  });

  it('adds a sub-attribute, also when the complex attribute is absent', () => {
    expect(resourceAfter([{ op: 'add', path: 'name.middleName', value: 'J' }]).name).toMatchObject({ middleName: 'J', givenName: 'Alice' });
    expect(resourceAfter([{ op: 'add', path: 'name.givenName', value: 'Bob' }], bareUser()).name).toEqual({ givenName: 'Bob' });
  });

  it('removes a sub-attribute; removing the last one unsets the attribute', () => {
    expect(resourceAfter([{ op: 'remove', path: 'name.familyName' }]).name).toEqual({ givenName: 'Alice', formatted: 'Alice Young' });
    const r = resourceAfter([{ op: 'remove', path: 'name.givenName' }], { ...bareUser(), name: { givenName: 'B' } });
    expect(r.name).toBeUndefined();
    expect(resourceAfter([{ op: 'remove', path: 'name.givenName' }], bareUser())).toEqual(bareUser());
  });

  it('replace with partial sub-attributes leaves the unnamed ones unchanged (§3.5.2.3)', () => {
    const r = resourceAfter([{ op: 'replace', path: 'name', value: { givenName: 'Alicia' } }]);
    expect(r.name).toEqual({ givenName: 'Alicia', familyName: 'Young', formatted: 'Alice Young' });
  });

  it('add with partial sub-attributes merges (§3.5.2.1)', () => {
    const r = resourceAfter([{ op: 'add', path: 'name', value: { middleName: 'J', familyName: 'Smith' } }]);
    expect(r.name).toEqual({ givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Young', middleName: 'J' });
    expect(resourceAfter([{ op: 'add', path: 'name', value: { givenName: 'B' } }], bareUser()).name).toEqual({ givenName: 'B' });
  });

  it('a null sub-attribute in a complex value clears that sub-attribute (RFC 7643 §2.5)', () => {
    const r = resourceAfter([{ op: 'replace', path: 'name', value: { givenName: 'Alicia', formatted: null } }]);
    expect(r.name).toEqual({ givenName: 'Alicia', familyName: 'Young' });
  });

  it('replace of the whole complex attribute with null removes it', () => {
    expect(resourceAfter([{ op: 'replace', path: 'name', value: null }]).name).toBeUndefined();
  });
});

describe('paths on multi-valued attributes', () => {
  it('add appends to the list (§3.5.2.1)', () => {
    const r = resourceAfter([{ op: 'add', path: 'emails', value: [{ type: 'other', value: 'a@other.example' }] }]);
    expect(r.emails).toEqual([...(user().emails as Json[]), { type: 'other', value: 'a@other.example' }]);
  });

  it('add accepts a single element as well as an array', () => {
    const r = resourceAfter([{ op: 'add', path: 'emails', value: { type: 'other', value: 'a@other.example' } }]);
    expect(r.emails).toHaveLength(3);
  });

  it('add creates the list when there is none', () => {
    expect(resourceAfter([{ op: 'add', path: 'emails', value: [{ value: 'b@x.example' }] }], bareUser()).emails).toEqual([{ value: 'b@x.example' }]);
  });

  it('add does not duplicate an element that is already there', () => {
    const r = resourceAfter([{ op: 'add', path: 'emails', value: [{ type: 'home', value: 'alice@home.example' }] }]);
    expect(r.emails).toEqual(user().emails);
  });

  it('replace replaces the whole list (§3.5.2.3)', () => {
    const r = resourceAfter([{ op: 'replace', path: 'emails', value: [{ type: 'work', value: 'new@acme.com' }] }]);
    expect(r.emails).toEqual([{ type: 'work', value: 'new@acme.com' }]);
  });

  it('replace with an empty list or null removes it; add of nothing adds nothing', () => {
    expect(resourceAfter([{ op: 'replace', path: 'emails', value: [] }]).emails).toBeUndefined();
    expect(resourceAfter([{ op: 'replace', path: 'emails', value: null }]).emails).toBeUndefined();
    expect(resourceAfter([{ op: 'add', path: 'emails', value: [] }]).emails).toEqual(user().emails);
    expect(resourceAfter([{ op: 'add', path: 'emails', value: null }]).emails).toEqual(user().emails);
  });

  it('remove without a value removes every element', () => {
    expect(resourceAfter([{ op: 'remove', path: 'emails' }]).emails).toBeUndefined();
  });

  it('remove with a value removes only the elements it names', () => {
    const r = resourceAfter([{ op: 'remove', path: 'emails', value: [{ value: 'alice@home.example' }] }]);
    expect(r.emails).toEqual([{ type: 'work', value: 'alice@acme.com', primary: true }]);
    const z = resourceAfter([{ op: 'remove', path: `${ZI}:licenses`, value: ['SalesOS'] }], {
      ...user(),
      [ZI]: { role: 'User', licenses: ['SalesOS', 'Copilot'] },
    });
    expect(z[ZI]).toEqual({ role: 'User', licenses: ['Copilot'] });
  });

  it('multi-valued strings (licenses) append and replace', () => {
    expect((resourceAfter([{ op: 'add', path: `${ZI}:licenses`, value: ['Copilot'] }])[ZI] as Json).licenses).toEqual(['SalesOS', 'Copilot']);
    expect((resourceAfter([{ op: 'add', path: `${ZI}:licenses`, value: 'Copilot' }])[ZI] as Json).licenses).toEqual(['SalesOS', 'Copilot']);
    expect((resourceAfter([{ op: 'replace', path: `${ZI}:licenses`, value: ['TalentOS'] }])[ZI] as Json).licenses).toEqual(['TalentOS']);
  });

  it('a new primary value clears "primary" on the others (RFC 7644 §3.5.2)', () => {
    const r = resourceAfter([{ op: 'add', path: 'emails', value: [{ type: 'other', value: 'p@x.example', primary: true }] }]);
    expect((r.emails as Json[]).filter((e) => e.primary === true)).toEqual([{ type: 'other', value: 'p@x.example', primary: true }]);
    const s = resourceAfter([{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]);
    expect(s.emails).toEqual([
      { type: 'work', value: 'alice@acme.com', primary: false },
      { type: 'home', value: 'alice@home.example', primary: true },
    ]);
  });

  it('a sub-attribute path without a filter addresses every element', () => {
    const r = resourceAfter([{ op: 'remove', path: 'emails.primary' }]);
    expect(r.emails).toEqual([
      { type: 'work', value: 'alice@acme.com' },
      { type: 'home', value: 'alice@home.example' },
    ]);
    const s = resourceAfter([{ op: 'replace', path: 'emails.display', value: 'Alice' }]);
    expect((s.emails as Json[]).map((e) => e.display)).toEqual(['Alice', 'Alice']);
  });
});

describe('no-path add and replace (RFC 7644 §3.5.2.1, §3.5.2.3)', () => {
  it("Okta's deactivate", () => {
    expect(resourceAfter([{ op: 'replace', value: { active: false } }]).active).toBe(false);
  });

  it("ignores id, meta and schemas inside the value (Okta's rename)", () => {
    const r = resourceAfter([
      {
        op: 'replace',
        value: { id: 'other-id', schemas: ['x'], meta: { version: 'W/"1"' }, displayName: 'Renamed', 'meta.lastModified': '2020-01-01T00:00:00Z' },
      },
    ]);
    expect(r).toEqual({ ...user(), displayName: 'Renamed' });
    const g = patch([{ op: 'replace', value: { id: 'g1', displayName: 'Renamed' } }], group(), groupResourceType);
    expect(g.resource).toEqual({ ...group(), displayName: 'Renamed' });
  });

  it('plain keys replace each attribute they name', () => {
    const r = resourceAfter([{ op: 'replace', value: { displayName: 'X', title: 'CTO', name: { familyName: 'Smith' } } }]);
    expect(r).toMatchObject({ displayName: 'X', title: 'CTO', name: { givenName: 'Alice', familyName: 'Smith', formatted: 'Alice Young' } });
  });

  it('dotted keys are paths, never literal keys (Entra)', () => {
    const r = resourceAfter([
      { op: 'replace', value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${ENT}:employeeNumber`]: 'Aklq' } },
    ]);
    expect(r.name).toEqual({ givenName: 'Kkom', familyName: 'Unua', formatted: 'Alice Young' });
    expect((r[ENT] as Json).employeeNumber).toBe('Aklq');
    expect(allKeys(r)).not.toContain('name.givenName');
    expect(allKeys(r)).not.toContain(`${ENT}:employeeNumber`);
    expect(resourceAfter([{ op: 'add', value: { 'name.givenName': 'B' } }], bareUser()).name).toEqual({ givenName: 'B' });
  });

  it('URN-qualified keys, including a core-schema one', () => {
    const r = resourceAfter([
      { op: 'add', value: { [`${ENT}:costCenter`]: 'CC1', 'urn:ietf:params:scim:schemas:core:2.0:User:nickName': 'Al' } },
    ]);
    expect(r[ENT]).toMatchObject({ costCenter: 'CC1', employeeNumber: '42' });
    expect(r.nickName).toBe('Al');
  });

  it('a whole extension object under its URN key merges into the extension', () => {
    const r = resourceAfter([{ op: 'replace', value: { [ENT]: { department: 'Eng', manager: { value: 'm2' } }, [ZI]: { role: 'Admin' } } }]);
    expect(r[ENT]).toEqual({ employeeNumber: '42', department: 'Eng', manager: { value: 'm2' } });
    expect(r[ZI]).toEqual({ role: 'Admin', licenses: ['SalesOS'], credits: { allocation: 100, resetPeriod: 'monthly' } });
    expect(resourceAfter([{ op: 'add', value: { [ENT]: { employeeNumber: '7' } } }], bareUser())[ENT]).toEqual({ employeeNumber: '7' });
  });

  it('an extension set to null is cleared by replace and left alone by add', () => {
    expect(resourceAfter([{ op: 'replace', value: { [ENT]: null } }])[ENT]).toBeUndefined();
    expect(resourceAfter([{ op: 'add', value: { [ENT]: null } }])[ENT]).toEqual(user()[ENT]);
  });

  it('an extension URN as the path works like the same object without a path', () => {
    expect(resourceAfter([{ op: 'add', path: ENT, value: { costCenter: 'CC' } }])[ENT]).toMatchObject({ costCenter: 'CC', employeeNumber: '42' });
    expect(resourceAfter([{ op: 'remove', path: ENT }])[ENT]).toBeUndefined();
  });

  it('keys in any case are canonicalised', () => {
    const r = resourceAfter([{ op: 'replace', value: { USERNAME: 'x@example.com', Name: { GivenName: 'Q' }, [ENT.toUpperCase()]: { EMPLOYEENUMBER: '9' } } }]);
    expect(r.userName).toBe('x@example.com');
    expect((r.name as Json).givenName).toBe('Q');
    expect((r[ENT] as Json).employeeNumber).toBe('9');
    expect(allKeys(r).filter((k) => /^(USERNAME|Name|GivenName|EMPLOYEENUMBER)$/.test(k) || k === ENT.toUpperCase())).toEqual([]);
  });

  it('add without a path appends to multi-valued attributes', () => {
    expect(resourceAfter([{ op: 'add', value: { emails: [{ type: 'other', value: 'o@x.example' }] } }]).emails).toHaveLength(3);
  });

  it('value-path keys are applied as paths', () => {
    const r = resourceAfter([{ op: 'replace', value: { 'emails[type eq "work"].value': 'w@acme.com' } }]);
    expect((r.emails as Json[])[0]).toEqual({ type: 'work', value: 'w@acme.com', primary: true });
  });

  it('remove without a path is noTarget (§3.5.2.2); a non-object value is invalidValue', () => {
    expect400(() => patch([{ op: 'remove' }]), 'noTarget');
    expect400(() => patch([{ op: 'replace', value: 'x' }]), 'invalidValue');
    expect400(() => patch([{ op: 'replace', value: [{ active: false }] }]), 'invalidValue');
    expect400(() => patch([{ op: 'add' }]), 'invalidValue');
  });
});

describe('value-filter paths', () => {
  it('replace changes only the matching element', () => {
    const r = resourceAfter([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@acme.com' }]);
    expect(r.emails).toEqual([
      { type: 'work', value: 'new@acme.com', primary: true },
      { type: 'home', value: 'alice@home.example' },
    ]);
  });

  it('replace creates the element when none matches (PRODUCT.md §4)', () => {
    const current = { ...bareUser(), emails: [{ type: 'home', value: 'b@home.example' }] };
    const r = resourceAfter([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'b@acme.com' }], current);
    expect(r.emails).toEqual([
      { type: 'home', value: 'b@home.example' },
      { type: 'work', value: 'b@acme.com' },
    ]);
  });

  it('creates the list when the attribute has no array at all', () => {
    const r = resourceAfter([{ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0100' }]);
    expect(r.phoneNumbers).toEqual([{ type: 'work', value: '+1 555 0100' }]);
    const a = resourceAfter([{ op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0101' }], bareUser());
    expect(a.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0101' }]);
  });

  it('creates an element from every equality of an "and" filter', () => {
    const r = resourceAfter([{ op: 'add', path: 'emails[type eq "other" and primary eq false].value', value: 'o@x.example' }]);
    expect((r.emails as Json[])[2]).toEqual({ type: 'other', primary: false, value: 'o@x.example' });
  });

  it('a filter that names no element to create is noTarget (§3.5.2.3)', () => {
    expect400(() => patch([{ op: 'replace', path: 'emails[type eq "x" or type eq "y"].value', value: 'v@x.example' }]), 'noTarget');
  });

  it('addresses[type eq "work"].streetAddress, created and then updated in place', () => {
    const created = resourceAfter([{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' }]);
    expect(created.addresses).toEqual([{ type: 'work', streetAddress: '1 Main St' }]);
    const current = { ...user(), addresses: [{ type: 'work', locality: 'Paris' }, { type: 'home', locality: 'Lyon' }] };
    const updated = resourceAfter([{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '2 Rue' }], current);
    expect(updated.addresses).toEqual([{ type: 'work', locality: 'Paris', streetAddress: '2 Rue' }, { type: 'home', locality: 'Lyon' }]);
  });

  it('remove with a filter removes the matching elements only; no match is a no-op', () => {
    expect(resourceAfter([{ op: 'remove', path: 'emails[type eq "home"]' }]).emails).toEqual([{ type: 'work', value: 'alice@acme.com', primary: true }]);
    expect(resourceAfter([{ op: 'remove', path: 'emails[type eq "other"]' }])).toEqual(user());
    expect(resourceAfter([{ op: 'remove', path: 'phoneNumbers[type eq "work"]' }])).toEqual(user());
    expect(resourceAfter([{ op: 'remove', path: 'phoneNumbers[type eq "work"].value' }])).toEqual(user());
  });

  it('removing every element unsets the attribute (RFC 7644 §3.5.2.2)', () => {
    expect(resourceAfter([{ op: 'remove', path: 'emails[value co "@"]' }]).emails).toBeUndefined();
  });

  it('remove with a filter and a sub-attribute removes that sub-attribute of the matches', () => {
    expect(resourceAfter([{ op: 'remove', path: 'emails[type eq "work"].primary' }]).emails).toEqual([
      { type: 'work', value: 'alice@acme.com' },
      { type: 'home', value: 'alice@home.example' },
    ]);
  });

  it('replace or add on a filtered element without sub-attribute merges the given sub-attributes', () => {
    const r = resourceAfter([{ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'w@acme.com' } }]);
    expect((r.emails as Json[])[0]).toEqual({ type: 'work', value: 'w@acme.com', primary: true });
    const created = resourceAfter([{ op: 'add', path: 'emails[type eq "other"]', value: { value: 'o@x.example' } }]);
    expect((created.emails as Json[])[2]).toEqual({ type: 'other', value: 'o@x.example' });
  });

  it('matches the way filters do: caseExact false compares without case, ne is "not equal"', () => {
    const current = { ...bareUser(), emails: [{ type: 'Work', value: 'a@acme.com' }] };
    const r = resourceAfter([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'b@acme.com' }], current);
    expect(r.emails).toEqual([{ type: 'Work', value: 'b@acme.com' }]);
    const s = resourceAfter([{ op: 'replace', path: 'emails[type ne "work"].display', value: 'Home' }]);
    expect((s.emails as Json[]).map((e) => e.display)).toEqual([undefined, 'Home']);
  });

  it('filter values may hold ":" "." "]" and quotes; they are data, never parsed as a path', () => {
    const current = { ...bareUser(), phoneNumbers: [{ type: 'work', value: 'tel:+1-201-555-0123' }] };
    const r = resourceAfter([{ op: 'replace', path: 'phoneNumbers[value eq "tel:+1-201-555-0123"].type', value: 'mobile' }], current);
    expect(r.phoneNumbers).toEqual([{ type: 'mobile', value: 'tel:+1-201-555-0123' }]);
    const e = { ...bareUser(), emails: [{ value: 'a.b]c"d@x.example' }] };
    const s = resourceAfter([{ op: 'replace', path: 'emails[value eq "a.b]c\\"d@x.example"].type', value: 'work' }], e);
    expect(s.emails).toEqual([{ value: 'a.b]c"d@x.example', type: 'work' }]);
  });

  it('null through a filter unsets the sub-attribute of the matches', () => {
    expect((resourceAfter([{ op: 'replace', path: 'emails[type eq "work"].value', value: null }]).emails as Json[])[0]).toEqual({ type: 'work', primary: true });
    expect(resourceAfter([{ op: 'replace', path: 'phoneNumbers[type eq "work"].value', value: null }])).toEqual(user());
  });

  it('URN-qualified core paths and "and" filters', () => {
    const r = resourceAfter([
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work" and value ew "@ACME.com"].display', value: 'Work' },
    ]);
    expect((r.emails as Json[])[0]).toEqual({ type: 'work', value: 'alice@acme.com', primary: true, display: 'Work' });
    const g = patch([{ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName', value: 'Ops' }], group(), groupResourceType);
    expect(g.resource.displayName).toBe('Ops');
  });

  it('a filter on a sub-attribute of another type is refused', () => {
    expect400(() => patch([{ op: 'replace', path: 'userName[value eq "x"]', value: 'y' }]), 'invalidPath');
    expect400(() => patch([{ op: 'replace', path: 'emails[nope eq "x"].value', value: 'y' }]), 'invalidPath', 'invalidFilter');
  });
});

describe('filter on a single-valued complex attribute', () => {
  it('remove manager[value eq "m1"] removes the manager only when the value matches', () => {
    expect(resourceAfter([{ op: 'remove', path: `${ENT}:manager[value eq "m1"]` }])[ENT]).toEqual({ employeeNumber: '42', department: 'Sales' });
    expect(resourceAfter([{ op: 'remove', path: `${ENT}:manager[value eq "m2"]` }])).toEqual(user());
    expect(resourceAfter([{ op: 'remove', path: `${ENT}:manager[value eq "m1"]` }], bareUser())).toEqual(bareUser());
  });

  it('replace through a matching guard changes the sub-attribute; a failing guard is a no-op', () => {
    expect((resourceAfter([{ op: 'replace', path: `${ENT}:manager[value eq "m1"].value`, value: 'm2' }])[ENT] as Json).manager).toEqual({ value: 'm2' });
    expect(resourceAfter([{ op: 'replace', path: `${ENT}:manager[value eq "zz"].value`, value: 'm2' }])).toEqual(user());
  });
});

describe('extension paths', () => {
  it('enterprise manager.value, created or replaced', () => {
    expect(resourceAfter([{ op: 'replace', path: `${ENT}:manager.value`, value: 'm2' }])[ENT]).toMatchObject({ manager: { value: 'm2' } });
    expect(resourceAfter([{ op: 'add', path: `${ENT}:manager.value`, value: 'm3' }], bareUser())[ENT]).toEqual({ manager: { value: 'm3' } });
    expect(resourceAfter([{ op: 'add', path: `${ENT}:manager`, value: { value: 'm4' } }], bareUser())[ENT]).toEqual({ manager: { value: 'm4' } });
  });

  it('manager.$ref is an ordinary sub-attribute', () => {
    const r = resourceAfter([{ op: 'add', path: `${ENT}:manager.$ref`, value: 'https://example.com/Users/m1' }]);
    expect((r[ENT] as Json).manager).toEqual({ value: 'm1', $ref: 'https://example.com/Users/m1' });
  });

  it('an empty complex value changes nothing', () => {
    expect(resourceAfter([{ op: 'add', path: 'name', value: {} }])).toEqual(user());
    expect(resourceAfter([{ op: 'replace', value: { [ENT]: {} } }])).toEqual(user());
  });

  it('removes an extension attribute; an emptied extension disappears', () => {
    expect(resourceAfter([{ op: 'remove', path: `${ENT}:manager` }])[ENT]).toEqual({ employeeNumber: '42', department: 'Sales' });
    const r = resourceAfter([{ op: 'remove', path: `${ENT}:employeeNumber` }], { ...bareUser(), [ENT]: { employeeNumber: '1' } });
    expect(r[ENT]).toBeUndefined();
  });

  it('zoominfo role accepts only "User" and "Admin"', () => {
    expect((resourceAfter([{ op: 'replace', path: `${ZI}:role`, value: 'Admin' }])[ZI] as Json).role).toBe('Admin');
    expect400(() => patch([{ op: 'replace', path: `${ZI}:role`, value: 'Owner' }]), 'invalidValue');
    expect400(() => patch([{ op: 'replace', path: `${ZI}:role`, value: 'admin' }]), 'invalidValue');
    expect400(() => patch([{ op: 'replace', value: { [ZI]: { role: 'Owner' } } }]), 'invalidValue');
    expect400(() => patch([{ op: 'add', path: `${ZI}:licenses`, value: ['Nope'] }]), 'invalidValue');
  });

  it('zoominfo credits.allocation is an integer, resetPeriod a closed list', () => {
    expect((resourceAfter([{ op: 'replace', path: `${ZI}:credits.allocation`, value: 500 }])[ZI] as Json).credits).toEqual({ allocation: 500, resetPeriod: 'monthly' });
    expect(resourceAfter([{ op: 'add', path: `${ZI}:credits.allocation`, value: 5 }], bareUser())[ZI]).toEqual({ credits: { allocation: 5 } });
    expect400(() => patch([{ op: 'replace', path: `${ZI}:credits.allocation`, value: '500' }]), 'invalidValue');
    expect400(() => patch([{ op: 'replace', path: `${ZI}:credits.allocation`, value: 1.5 }]), 'invalidValue');
    expect400(() => patch([{ op: 'replace', path: `${ZI}:credits.resetPeriod`, value: 'weekly' }]), 'invalidValue');
  });
});

describe('attribute names in any case (RFC 7643 §2.1)', () => {
  it('canonicalises paths before they are applied', () => {
    const r = resourceAfter([
      { op: 'replace', path: 'USERNAME', value: 'up@example.com' },
      { op: 'replace', path: 'Name.GivenName', value: 'G' },
      { op: 'replace', path: 'Emails[Type eq "work"].Value', value: 'w@acme.com' },
      { op: 'replace', path: `${ENT.toLowerCase()}:Manager.VALUE`, value: 'm9' },
      { op: 'add', path: 'PhoneNumbers[TYPE eq "work"].value', value: '1' },
    ]);
    expect(r.userName).toBe('up@example.com');
    expect((r.name as Json).givenName).toBe('G');
    expect((r.emails as Json[])[0]).toEqual({ type: 'work', value: 'w@acme.com', primary: true });
    expect((r[ENT] as Json).manager).toEqual({ value: 'm9' });
    expect(r.phoneNumbers).toEqual([{ type: 'work', value: '1' }]);
    expect(allKeys(r).filter((k) => k !== k.replace(/^[A-Z]/, (c) => c.toLowerCase()) && !k.startsWith('urn:'))).toEqual([]);
  });

  it('parsePatchPath gives the canonical text', () => {
    expect(parsePatchPath(userResourceType, 'USERNAME').canonical).toBe('userName');
    expect(parsePatchPath(userResourceType, `${ENT.toUpperCase()}:MANAGER.value`).canonical).toBe(`${ENT}:manager.value`);
    expect(parsePatchPath(userResourceType, 'Emails[TYPE eq "work"].VALUE').canonical).toBe('emails[type eq "work"].value');
  });
});

describe('refusals', () => {
  it('readOnly targets are mutability', () => {
    for (const path of ['id', 'ID', 'meta', 'meta.created', 'groups', 'groups[value eq "g1"]', 'groups.display', `${ENT}:manager.displayName`]) {
      expect400(() => patch([{ op: 'replace', path, value: 'x' }]), 'mutability');
      expect400(() => patch([{ op: 'remove', path }]), 'mutability');
    }
    expect400(() => patch([{ op: 'add', value: { groups: [{ value: 'g1' }] } }]), 'mutability');
  });

  it('a readOnly sub-attribute inside a complex value is ignored, never written (RFC 7643 §7)', () => {
    const r = resourceAfter([{ op: 'replace', path: `${ENT}:manager`, value: { value: 'm2', displayName: 'Boss' } }]);
    expect((r[ENT] as Json).manager).toEqual({ value: 'm2' });
  });

  it('unknown attributes are invalidPath', () => {
    for (const path of ['foo', 'name.foo', 'emails.foo', 'emails[type eq "work"].foo', `${ENT}:foo`, `${ENT}:manager.foo`, 'urn:example:unknown:foo', ENT + ':', 'urn:']) {
      expect400(() => patch([{ op: 'replace', path, value: 'x' }]), 'invalidPath');
    }
    expect400(() => patch([{ op: 'replace', value: { foo: 1 } }]), 'invalidPath');
  });

  it('bad path syntax is invalidPath or invalidFilter', () => {
    for (const path of ['emails[type eq', 'emails[]', 'emails[type eq "work"]x', 'emails[type eq "work"].value.x', 'name..givenName', '.', '..', ' ', '[type eq "x"]', 'emails][', 'emails[type zz "w"].value', 'emails[type eq "w"]]', 'emails[[type eq "w"]]', 'emails[type eq "w"].']) {
      expect400(() => patch([{ op: 'replace', path, value: 'x' }]), 'invalidPath', 'invalidFilter');
    }
  });

  it('wrongly typed values are invalidValue', () => {
    const cases: PatchOperation[] = [
      { op: 'replace', path: 'active', value: 'yes' },
      { op: 'replace', path: 'active', value: 'False' }, // the IdP normaliser converts these before the core
      { op: 'replace', path: 'emails', value: 'x' },
      { op: 'add', path: 'emails', value: 'x' },
      { op: 'add', path: 'emails', value: [{ value: 5 }] },
      { op: 'replace', path: 'emails', value: { value: 'x@example.com' } },
      { op: 'replace', path: 'userName', value: 5 },
      { op: 'replace', path: 'name', value: 'Alice' },
      { op: 'replace', path: 'name', value: { nope: 'x' } },
      { op: 'replace', path: 'emails[type eq "work"].primary', value: 'true' },
      { op: 'replace', path: `${ENT}:manager`, value: 'm1' }, // bare ids are the normaliser's to wrap
      { op: 'replace', value: { active: 'yes' } },
    ];
    for (const op of cases) expect400(() => patch([op]), 'invalidValue');
  });

  it('the required userName cannot be removed or emptied', () => {
    expect400(() => patch([{ op: 'remove', path: 'userName' }]), 'invalidValue');
    expect400(() => patch([{ op: 'replace', path: 'userName', value: null }]), 'invalidValue');
    expect400(() => patch([{ op: 'replace', path: 'userName', value: '  ' }]), 'invalidValue');
    expect400(() => patch([{ op: 'remove', path: 'displayName' }], group(), groupResourceType), 'invalidValue');
  });
});

describe('password', () => {
  it('is returned apart, never in the resource', () => {
    const withPath = patch([{ op: 'replace', path: 'password', value: 's3cret!' }]);
    expect(withPath.password).toBe('s3cret!');
    expect(allKeys(withPath.resource)).not.toContain('password');
    const noPath = patch([{ op: 'replace', value: { password: 'other', displayName: 'D' } }]);
    expect(noPath.password).toBe('other');
    expect(noPath.resource.displayName).toBe('D');
    expect('password' in noPath.resource).toBe(false);
    expect(patch([{ op: 'replace', path: 'displayName', value: 'D' }]).password).toBeUndefined();
  });

  it('must be a string and cannot be removed', () => {
    expect400(() => patch([{ op: 'replace', path: 'password', value: 5 }]), 'invalidValue');
    expect400(() => patch([{ op: 'remove', path: 'password' }]), 'mutability');
  });
});

describe('Group members: handed back as memberChanges, never applied to the resource', () => {
  const gpatch = (ops: PatchOperation[], current: Json = group()) => patch(ops, current, groupResourceType);

  it('add takes a single object or an array; $ref, display and nulls are dropped', () => {
    const one = gpatch([{ op: 'add', path: 'members', value: { value: 'u1' } }]);
    expect(one.memberChanges).toEqual([{ kind: 'add', members: [{ value: 'u1' }] }]);
    expect(one.resource).toEqual(group());
    const many = gpatch([
      { op: 'add', path: 'members', value: [{ $ref: null, value: 'u1' }, { value: 'u2', display: 'Bob', type: 'User' }, null] },
    ]);
    expect(many.memberChanges).toEqual([{ kind: 'add', members: [{ value: 'u1' }, { value: 'u2', type: 'User' }] }]);
  });

  it('replace, including the empty list that empties the group', () => {
    expect(gpatch([{ op: 'replace', path: 'members', value: [{ value: 'u3' }] }]).memberChanges).toEqual([{ kind: 'replace', members: [{ value: 'u3' }] }]);
    expect(gpatch([{ op: 'replace', path: 'members', value: [] }]).memberChanges).toEqual([{ kind: 'replace', members: [] }]);
  });

  it("remove with Entra's value array, matched on value alone", () => {
    expect(gpatch([{ op: 'remove', path: 'members', value: [{ $ref: null, value: 'u1' }] }]).memberChanges).toEqual([{ kind: 'remove', values: ['u1'] }]);
    expect(gpatch([{ op: 'remove', path: 'members', value: [] }]).memberChanges).toEqual([{ kind: 'remove', values: [] }]);
  });

  it('remove with a filter, attribute names canonicalised', () => {
    const [change] = gpatch([{ op: 'remove', path: 'MEMBERS[VALUE eq "u1"]' }]).memberChanges;
    expect(change).toEqual({ kind: 'removeWhere', filter: { op: 'eq', attrPath: 'value', compValue: 'u1' } });
  });

  it('remove without a value removes every member', () => {
    expect(gpatch([{ op: 'remove', path: 'members' }]).memberChanges).toEqual([{ kind: 'removeAll' }]);
  });

  it('no-path values carry members too, beside other attributes', () => {
    const r = gpatch([{ op: 'replace', value: { displayName: 'Renamed', members: [{ value: 'u9' }] } }]);
    expect(r.resource).toEqual({ ...group(), displayName: 'Renamed' });
    expect(r.memberChanges).toEqual([{ kind: 'replace', members: [{ value: 'u9' }] }]);
  });

  it('keeps several member operations in order', () => {
    const r = gpatch([
      { op: 'remove', path: 'members[value eq "u2"]' },
      { op: 'add', path: 'members', value: [{ value: 'u1' }] },
    ]);
    expect(r.memberChanges.map((c) => c.kind)).toEqual(['removeWhere', 'add']);
  });

  it('member sub-attributes are immutable; a member needs a string value', () => {
    for (const op of [
      { op: 'replace', path: 'members[value eq "u1"].display', value: 'x' },
      { op: 'replace', path: 'members.value', value: 'x' },
      { op: 'remove', path: 'members.value' },
      { op: 'add', path: 'members[value eq "u1"]', value: { value: 'u1' } },
    ] as PatchOperation[]) {
      expect400(() => gpatch([op]), 'mutability');
    }
    expect400(() => gpatch([{ op: 'add', path: 'members', value: [{ display: 'x' }] }]), 'invalidValue');
    expect400(() => gpatch([{ op: 'add', path: 'members', value: ['u1'] }]), 'invalidValue');
    expect400(() => gpatch([{ op: 'add', path: 'members', value: [{ value: 5 }] }]), 'invalidValue');
  });
});

describe('all or nothing', () => {
  it('never mutates the input, on success or on failure', () => {
    const current = deepFreeze(user());
    const ops: PatchOperation[] = [
      { op: 'replace', path: 'name.givenName', value: 'X' },
      { op: 'add', path: 'emails', value: [{ value: 'n@x.example' }] },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'w@x.example' },
      { op: 'remove', path: 'emails[type eq "home"]' },
      { op: 'replace', path: `${ENT}:manager.value`, value: 'm2' },
      { op: 'remove', path: `${ZI}:licenses` },
      { op: 'replace', value: { 'name.familyName': 'Y', [ZI]: { role: 'Admin' } } },
    ];
    expect(() => patch(ops, current)).not.toThrow();
    expect(current).toEqual(user());
    const failing = [...ops, { op: 'replace', path: 'active', value: 'nope' } as PatchOperation];
    expect400(() => patch(failing, current));
    expect(current).toEqual(user());
  });

  it('a failing later operation discards the earlier ones (nothing is returned)', () => {
    const current = user();
    const snapshot = structuredClone(current);
    expect400(() => patch([{ op: 'replace', path: 'displayName', value: 'Z' }, { op: 'replace', path: 'id', value: 'x' }], current));
    expect(current).toEqual(snapshot);
  });
});

describe('safety: prototype keys (PRODUCT.md §4)', () => {
  afterEach(() => {
    expect(({} as Json).polluted).toBeUndefined();
    expect(Object.prototype.toString.call([])).toBe('[object Array]');
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });

  const refused: Array<[string, () => unknown]> = [
    ['__proto__.polluted', () => patch([{ op: 'add', path: '__proto__.polluted', value: 'yes' }])],
    ['constructor.prototype.polluted', () => patch([{ op: 'replace', path: 'constructor.prototype.polluted', value: 'yes' }])],
    ['name.__proto__', () => patch([{ op: 'add', path: 'name.__proto__', value: { polluted: 'yes' } }])],
    ['extension __proto__', () => patch([{ op: 'add', path: `${ENT}:__proto__.polluted`, value: 'yes' }])],
    ['__proto__ as a filtered attribute', () => patch([{ op: 'add', path: '__proto__[value eq "x"].polluted', value: 'yes' }])],
    ['__proto__ as a filter attribute', () => patch([{ op: 'add', path: 'emails[__proto__ eq "x"].value', value: 'yes' }])],
    ['__proto__ after a filter', () => patch([{ op: 'add', path: 'emails[type eq "work"].__proto__', value: { polluted: 1 } }])],
    ['Constructor, any case', () => patch([{ op: 'add', path: 'Constructor.Prototype.polluted', value: 'yes' }])],
    ['prototype alone', () => patch([{ op: 'remove', path: 'prototype' }])],
    ['own __proto__ key of a no-path value', () => patch([{ op: 'replace', value: JSON.parse('{"__proto__": {"polluted": 1}}') as Json }])],
    ['dotted __proto__ key', () => patch([{ op: 'replace', value: { '__proto__.polluted': 1 } }])],
    ['constructor key', () => patch([{ op: 'add', value: { constructor: { prototype: { polluted: 1 } } } }])],
    ['nested __proto__ in name', () => patch([{ op: 'replace', value: JSON.parse('{"name": {"__proto__": {"polluted": 1}}}') as Json }])],
    ['nested __proto__ in a path value', () => patch([{ op: 'replace', path: 'name', value: JSON.parse('{"__proto__": {"polluted": 1}}') }])],
    ['__proto__ in an element', () => patch([{ op: 'add', path: 'emails', value: [JSON.parse('{"value": "x@y.z", "__proto__": {"polluted": 1}}')] }])],
    ['__proto__ in an extension object', () => patch([{ op: 'add', value: { [ENT]: JSON.parse('{"__proto__": {"polluted": 1}}') } }])],
    ['__proto__ member', () => patch([{ op: 'add', path: 'members', value: [JSON.parse('{"value": "u1", "__proto__": {"polluted": 1}}')] }], group(), groupResourceType)],
  ];
  it.each(refused)('%s is a 400', (_name, fn) => {
    expect400(fn);
  });

  it('a value inside a filter string is data, not a key: allowed', () => {
    const r = resourceAfter([{ op: 'replace', path: 'emails[type eq "__proto__"].value', value: 'p@x.example' }]);
    expect((r.emails as Json[])[2]).toEqual({ type: '__proto__', value: 'p@x.example' });
    expect(resourceAfter([{ op: 'remove', path: 'emails[value eq "constructor"]' }])).toEqual(user());
    expect(resourceAfter([{ op: 'replace', path: 'displayName', value: '__proto__' }]).displayName).toBe('__proto__');
  });
});

describe('every failure is a ScimError 400, whatever the input', () => {
  const deep = (levels: number): unknown => {
    let v: unknown = 'x';
    for (let i = 0; i < levels; i++) v = { a: v };
    return v;
  };
  const deepArray = (levels: number): unknown => {
    let v: unknown = 'x';
    for (let i = 0; i < levels; i++) v = [v];
    return v;
  };
  const nasty: Array<[string, PatchOperation[]]> = [
    ['add null to a multi-valued attribute', [{ op: 'add', path: 'emails', value: null }]],
    ['add [] to a multi-valued attribute', [{ op: 'add', path: 'emails', value: [] }]],
    ['replace with [null]', [{ op: 'replace', path: 'emails', value: [null] }]],
    ['nested arrays', [{ op: 'replace', path: 'emails', value: [[{ value: 'x' }]] }]],
    ['remove with a string value', [{ op: 'remove', path: 'emails', value: 'x' }]],
    ['remove with nested arrays', [{ op: 'remove', path: 'emails', value: [[{ value: 'x' }]] }]],
    ['remove with a non-matching value', [{ op: 'remove', path: 'emails', value: [{ value: 'nobody' }] }]],
    ['path ""', [{ op: 'replace', path: '', value: { displayName: 'x' } }]],
    ['path "" without value', [{ op: 'replace', path: '' }]],
    ['path "."', [{ op: 'replace', path: '.', value: 'x' }]],
    ['path "emails[]"', [{ op: 'replace', path: 'emails[]', value: 'x' }]],
    ['path "name..givenName"', [{ op: 'replace', path: 'name..givenName', value: 'x' }]],
    ['path ":"', [{ op: 'replace', path: ':', value: 'x' }]],
    ['filter with "not"', [{ op: 'replace', path: 'emails[not (type eq "work")].value', value: 'x@y.z' }]],
    ['filter with pr', [{ op: 'replace', path: 'emails[primary pr].value', value: 'x@y.z' }]],
    ['filter on a missing attribute with "or"', [{ op: 'add', path: 'phoneNumbers[type eq "a" or type eq "b"]', value: { value: '1' } }]],
    ['filter element value is a string', [{ op: 'add', path: 'emails[type eq "work"]', value: 'x@y.z' }]],
    ['filter creating an element of the wrong type', [{ op: 'add', path: 'emails[primary eq "yes"].value', value: 'x@y.z' }]],
    ['deep parentheses', [{ op: 'replace', path: `emails[${'('.repeat(5000)}type eq "w"${')'.repeat(5000)}].value`, value: 'x' }]],
    ['a very long path', [{ op: 'replace', path: 'name.'.repeat(100_000) + 'givenName', value: 'x' }]],
    ['deep object for a string', [{ op: 'replace', path: 'userName', value: deep(100_000) }]],
    ['deep object for a complex attribute', [{ op: 'replace', path: 'name', value: { givenName: deep(100_000) } }]],
    ['deep object without path', [{ op: 'replace', value: { displayName: deep(100_000) } }]],
    ['deep arrays', [{ op: 'add', path: 'emails', value: deepArray(100_000) }]],
    ['deep member value', [{ op: 'add', path: 'members', value: [{ value: deep(100_000) }] }]],
    ['number as value of a complex', [{ op: 'add', path: 'name', value: 5 }]],
    ['array for a single-valued complex', [{ op: 'add', path: `${ENT}:manager`, value: [{ value: 'm' }] }]],
    ['extension URN with a string', [{ op: 'replace', value: { [ENT]: 'x' } }]],
    ['extension URN path with a string', [{ op: 'replace', path: ENT, value: 'x' }]],
    ['huge integer', [{ op: 'replace', path: `${ZI}:credits.allocation`, value: 1e300 }]],
    ['NaN-ish', [{ op: 'replace', path: `${ZI}:credits.allocation`, value: Number.NaN }]],
    ['op not an op', [{ op: 'move' as 'add', path: 'userName', value: 'x' }]],
  ];

  it.each(nasty)('%s', (_name, ops) => {
    for (const rt of [userResourceType, groupResourceType]) {
      const current = rt === userResourceType ? user() : group();
      try {
        const result = applyPatch(rt, current, ops);
        expect(result.resource).toBeTypeOf('object');
      } catch (error) {
        expect(error).toBeInstanceOf(ScimError);
        expect((error as ScimError).status).toBe(400);
      }
    }
  });
});

describe('operation shape', () => {
  it('an unknown op is invalidSyntax; a too deeply nested value is invalidValue', () => {
    expect400(() => patch([{ op: 'move' as 'add', path: 'userName', value: 'x' }]), 'invalidSyntax');
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = { a: deep };
    expect400(() => patch([{ op: 'replace', path: 'name', value: deep }]), 'invalidValue');
  });
});

describe('readPatchRequest (RFC 7644 §3.5.2 envelope)', () => {
  it('reads the operations', () => {
    expect(readPatchRequest({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }, { op: 'remove', path: null }] })).toEqual([
      { op: 'replace', path: 'active', value: false },
      { op: 'remove', path: undefined, value: undefined },
    ]);
  });

  it('an empty Operations list is a no-op', () => {
    expect(readPatchRequest({ schemas: [PATCH_OP], Operations: [] })).toEqual([]);
  });

  it('refuses what is not a PatchOp as invalidSyntax', () => {
    for (const body of [
      null,
      [],
      'x',
      { Operations: [] },
      { schemas: ['urn:scim:schemas:core:1.0'], members: [] },
      { schemas: [PATCH_OP] },
      { schemas: [PATCH_OP], Operations: {} },
      { schemas: [PATCH_OP], Operations: ['x'] },
      { schemas: [PATCH_OP], Operations: [{ op: 'move', path: 'a' }] },
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 5 }] },
    ]) {
      expect400(() => readPatchRequest(body), 'invalidSyntax');
    }
  });

  it('refuses prototype keys anywhere in the body', () => {
    expect400(() => readPatchRequest(JSON.parse(`{"schemas": ["${PATCH_OP}"], "Operations": [{"op": "add", "value": {"__proto__": {"x": 1}}}]}`)));
    expect(({} as Json).x).toBeUndefined();
  });
});
