import { describe, expect, it } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import { groupResourceType, userResourceType } from '../../src/scim/schema/resource-types.js';
import { assertRequired, checkAttributeValue, checkResource, isUnassigned } from '../../src/scim/validate-resource.js';
import { attr } from '../../src/scim/schema/attribute.js';

type Json = Record<string, unknown>;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ZI = 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const checkUser = (body: unknown) => checkResource(userResourceType, body);
const checkGroup = (body: unknown) => checkResource(groupResourceType, body);

function expect400(fn: () => unknown, scimType?: string): ScimError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ScimError);
  const error = caught as ScimError;
  expect(error.status).toBe(400);
  if (scimType) expect(error.scimType).toBe(scimType);
  return error;
}

describe('checkResource: a valid body', () => {
  it('keeps a full RFC 7643 §8.2 style user, extensions under their URN', () => {
    const body = {
      schemas: [USER, ENT, ZI],
      userName: 'bjensen@example.com',
      externalId: 'bjensen',
      name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
      displayName: 'Babs Jensen',
      active: true,
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
      addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', primary: true }],
      x509Certificates: [{ value: 'TUlJRE' }],
      [ENT]: { employeeNumber: '701984', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', $ref: '../Users/26118915' } },
      [ZI]: { role: 'Admin', licenses: ['SalesOS', 'Copilot'], credits: { allocation: 100, resetPeriod: 'never' } },
    };
    const { schemas: _schemas, ...expected } = body;
    expect(checkUser(body)).toEqual({ resource: expected, password: undefined });
  });

  it('canonicalises attribute, sub-attribute and extension names (RFC 7643 §2.1)', () => {
    const { resource } = checkUser({
      USERNAME: 'a@example.com',
      NAME: { GIVENNAME: 'A' },
      Emails: [{ VALUE: 'a@example.com', Type: 'work' }],
      ExternalID: 'x',
      [ENT.toUpperCase()]: { EmployeeNumber: '1', MANAGER: { Value: 'm1' } },
    });
    expect(resource).toEqual({
      userName: 'a@example.com',
      name: { givenName: 'A' },
      emails: [{ value: 'a@example.com', type: 'work' }],
      externalId: 'x',
      [ENT]: { employeeNumber: '1', manager: { value: 'm1' } },
    });
  });

  it('RFC canonical values are open (emails.type), ours are closed (zoominfo role)', () => {
    expect(checkUser({ userName: 'a', emails: [{ value: 'a@x', type: 'custom' }] }).resource.emails).toEqual([{ value: 'a@x', type: 'custom' }]);
    expect400(() => checkUser({ userName: 'a', [ZI]: { role: 'Owner' } }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', [ZI]: { role: 'admin' } }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', [ZI]: { licenses: ['Nope'] } }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', [ZI]: { credits: { resetPeriod: 'weekly' } } }), 'invalidValue');
  });

  it('a group with members', () => {
    const { resource } = checkGroup({
      schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      displayName: 'Eng',
      members: [{ value: 'u1', $ref: null, display: 'A', type: 'User' }, { value: 'u2' }],
    });
    expect(resource).toEqual({ displayName: 'Eng', members: [{ value: 'u1', display: 'A', type: 'User' }, { value: 'u2' }] });
  });
});

describe('checkResource: dropped, never written', () => {
  it('readOnly values sent by a client (id, meta, groups) are ignored (RFC 7643 §7)', () => {
    const { resource } = checkUser({
      id: 'client-id',
      meta: { resourceType: 'User', created: '2020-01-01T00:00:00Z' },
      userName: 'a',
      groups: [{ value: 'g1', display: 'G' }],
    });
    expect(resource).toEqual({ userName: 'a' });
  });

  it('a readOnly sub-attribute (manager.displayName) is ignored too', () => {
    const { resource } = checkUser({ userName: 'a', [ENT]: { manager: { value: 'm1', displayName: 'Boss' } } });
    expect(resource[ENT]).toEqual({ manager: { value: 'm1' } });
    expect(checkUser({ userName: 'a', [ENT]: { manager: { displayName: 'Boss' } } }).resource[ENT]).toBeUndefined();
  });

  it('schemas is not stored (derived on output), whatever URNs it lists', () => {
    expect(checkUser({ schemas: ['urn:anything'], userName: 'a' }).resource).toEqual({ userName: 'a' });
  });

  it('null, "$ref": null, empty arrays and empty objects are unassigned (RFC 7643 §2.5)', () => {
    const { resource } = checkUser({
      userName: 'a',
      displayName: null,
      roles: [],
      emails: [null],
      name: {},
      title: undefined,
      addresses: [{ locality: null }],
      [ENT]: { manager: { value: 'm1', $ref: null }, department: null },
      [ZI]: {},
    });
    expect(resource).toEqual({ userName: 'a', [ENT]: { manager: { value: 'm1' } } });
    expect(checkUser({ userName: 'a', [ENT]: null, [ZI]: [] }).resource).toEqual({ userName: 'a' });
  });

  it('password is split out, never kept in the resource', () => {
    const checked = checkUser({ userName: 'a', password: 'p@ss' });
    expect(checked).toEqual({ resource: { userName: 'a' }, password: 'p@ss' });
    expect(checkUser({ userName: 'a', PASSWORD: 'x' }).password).toBe('x');
    expect(checkUser({ userName: 'a', password: null })).toEqual({ resource: { userName: 'a' }, password: undefined });
    expect400(() => checkUser({ userName: 'a', password: 5 }), 'invalidValue');
  });
});

describe('checkResource: refused', () => {
  it('unknown attributes, extensions and sub-attributes are invalidValue', () => {
    expect400(() => checkUser({ userName: 'a', foo: 1 }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', 'name.givenName': 'A' }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', 'urn:example:unknown:2.0:User': { x: 1 } }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', [`${ENT}:employeeNumber`]: '1' }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', name: { nickName: 'x' } }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', emails: [{ value: 'a', label: 'x' }] }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', [ENT]: { favouriteColour: 'red' } }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', [ENT]: { userName: 'b' } }), 'invalidValue');
    expect400(() => checkGroup({ displayName: 'g', userName: 'a' }), 'invalidValue');
    expect400(() => checkGroup({ displayName: 'g', [ENT]: { employeeNumber: '1' } }), 'invalidValue');
  });

  it('string booleans are refused here: the IdP normaliser converts them before the core', () => {
    expect400(() => checkUser({ userName: 'a', active: 'True' }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', active: 'false' }), 'invalidValue');
    expect400(() => checkUser({ userName: 'a', emails: [{ value: 'a', primary: 'true' }] }), 'invalidValue');
  });

  it('wrong types are invalidValue', () => {
    const bad: Json[] = [
      { userName: 5 },
      { userName: 'a', active: 1 },
      { userName: 'a', emails: 'a@x' },
      { userName: 'a', emails: { value: 'a@x' } },
      { userName: 'a', emails: ['a@x'] },
      { userName: 'a', emails: [[{ value: 'a@x' }]] },
      { userName: 'a', name: 'Alice' },
      { userName: 'a', name: ['Alice'] },
      { userName: 'a', displayName: { value: 'x' } },
      { userName: 'a', [ENT]: 'x' },
      { userName: 'a', [ENT]: [{ employeeNumber: '1' }] },
      { userName: 'a', [ENT]: { manager: 'm1' } },
      { userName: 'a', [ZI]: { credits: { allocation: 1.5 } } },
      { userName: 'a', [ZI]: { credits: { allocation: '100' } } },
      { userName: 'a', [ZI]: { licenses: 'SalesOS' } },
    ];
    for (const body of bad) expect400(() => checkUser(body), 'invalidValue');
  });

  it('required attributes: userName for a User, displayName for a Group (RFC 7643 §2.2)', () => {
    for (const body of [{}, { userName: null }, { userName: '' }, { userName: '   ' }, { displayName: 'x' }]) {
      expect400(() => checkUser(body), 'invalidValue');
    }
    for (const body of [{}, { displayName: '' }, { displayName: null }, { members: [{ value: 'u1' }] }]) {
      expect400(() => checkGroup(body), 'invalidValue');
    }
  });

  it('a body that is not an object is invalidSyntax', () => {
    for (const body of [null, undefined, 'x', 5, [], [{ userName: 'a' }]]) expect400(() => checkUser(body), 'invalidSyntax');
  });

  it('prototype keys anywhere are a 400 and pollute nothing', () => {
    for (const text of [
      '{"userName": "a", "__proto__": {"polluted": 1}}',
      '{"userName": "a", "name": {"__proto__": {"polluted": 1}}}',
      '{"userName": "a", "emails": [{"value": "x", "constructor": {"prototype": {"polluted": 1}}}]}',
      `{"userName": "a", "${ENT}": {"__proto__": {"polluted": 1}}}`,
      '{"userName": "a", "prototype": 1}',
    ]) {
      expect400(() => checkUser(JSON.parse(text)));
    }
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('deep nesting is a 400, never a stack overflow', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect400(() => checkUser({ userName: 'a', displayName: deep }));
    expect400(() => checkUser({ userName: deep }));
    let deepArray: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deepArray = [deepArray];
    expect400(() => checkUser({ userName: 'a', emails: deepArray }));
  });

  it('error details name the attribute and never dump a whole value', () => {
    const error = expect400(() => checkUser({ userName: 'a', [ZI]: { role: 'Owner' } }));
    expect(error.detail).toContain(`${ZI}:role`);
    const long = expect400(() => checkUser({ userName: 'a', active: 'x'.repeat(10_000) }));
    expect(long.detail.length).toBeLessThan(300);
  });
});

describe('checkAttributeValue', () => {
  const multi = attr('tags', 'string', { multiValued: true });
  const single = attr('title', 'string');
  const when = attr('at', 'dateTime');
  const amount = attr('amount', 'decimal');

  it('unassigned values come back undefined', () => {
    expect(checkAttributeValue(single, null, 'title')).toBeUndefined();
    expect(checkAttributeValue(multi, [], 'tags')).toBeUndefined();
    expect(checkAttributeValue(multi, [null, []], 'tags')).toBeUndefined();
  });

  it('multi-valued attributes take arrays', () => {
    expect(checkAttributeValue(multi, ['a', null, 'b'], 'tags')).toEqual(['a', 'b']);
    expect400(() => checkAttributeValue(multi, 'a', 'tags'), 'invalidValue');
    expect400(() => checkAttributeValue(single, ['a'], 'title'), 'invalidValue');
  });

  it('checks dateTime and decimal', () => {
    expect(checkAttributeValue(when, '2024-01-01T00:00:00Z', 'at')).toBe('2024-01-01T00:00:00Z');
    expect400(() => checkAttributeValue(when, 'yesterday', 'at'), 'invalidValue');
    expect(checkAttributeValue(amount, 1.5, 'amount')).toBe(1.5);
    expect400(() => checkAttributeValue(amount, Infinity, 'amount'), 'invalidValue');
    expect400(() => checkAttributeValue(amount, '1.5', 'amount'), 'invalidValue');
  });
});

describe('isUnassigned and assertRequired', () => {
  it('null, undefined and [] are unassigned; "" and false are values', () => {
    expect([null, undefined, []].map(isUnassigned)).toEqual([true, true, true]);
    expect(['', false, 0, {}].map(isUnassigned)).toEqual([false, false, false, false]);
  });

  it('assertRequired', () => {
    expect(() => assertRequired(userResourceType, { userName: 'a' })).not.toThrow();
    expect400(() => assertRequired(userResourceType, {}), 'invalidValue');
    expect400(() => assertRequired(groupResourceType, { displayName: ' ' }), 'invalidValue');
  });
});
