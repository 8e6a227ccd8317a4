import { describe, expect, it } from 'vitest';
import { normaliseFilter, normalisePatchBody, normaliseResourceBody } from '../../src/idp/normalise.js';
import { RewriteLog, type Rewrite } from '../../src/idp/rewrites.js';
import { parseFilter } from '../../src/scim/filter/parse-filter.js';
import { compileFilter } from '../../src/scim/filter/evaluate-filter.js';
import { groupResourceType, userResourceType } from '../../src/scim/schema/resource-types.js';
import { ENTERPRISE_USER_SCHEMA as ENT, GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from '../../src/scim/schema/urns.js';

// The IdP normaliser (PRODUCT.md §4), one rule at a time: what it rewrites, where it says it did,
// and what it must leave alone for the protocol core to accept or refuse.

type Json = Record<string, unknown>;
const MS_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const LEGACY_CORE = 'urn:scim:schemas:core:2.0';
const LEGACY_ENT = 'urn:scim:schemas:extension:enterprise:2.0';

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const userPatch = (...ops: unknown[]) => normalisePatchBody(userResourceType, patch(...ops));
const groupPatch = (...ops: unknown[]) => normalisePatchBody(groupResourceType, patch(...ops));
const userBody = (body: Json) => normaliseResourceBody(userResourceType, body);
const groupBody = (body: Json) => normaliseResourceBody(groupResourceType, body);
const opsOf = (body: unknown) => (body as { Operations: Json[] }).Operations;
const log = (rewrites: RewriteLog): Rewrite[] => rewrites.items;

describe('op names in any case', () => {
  it('lower-cases Entra "Replace"/"Add"/"Remove" and upper or mixed case, one entry per op', () => {
    const { body, rewrites } = userPatch(
      { op: 'Replace', path: 'displayName', value: 'A' },
      { op: 'ADD', path: 'nickName', value: 'B' },
      { op: 'rEmOvE', path: 'title' },
    );
    expect(opsOf(body).map((o) => o.op)).toEqual(['replace', 'add', 'remove']);
    expect(log(rewrites)).toEqual([
      { rule: 'op-case', at: 'Operations[0].op', from: 'Replace', to: 'replace' },
      { rule: 'op-case', at: 'Operations[1].op', from: 'ADD', to: 'add' },
      { rule: 'op-case', at: 'Operations[2].op', from: 'rEmOvE', to: 'remove' },
    ]);
  });

  it('leaves an unknown op name to the core (lower-cased, never invented)', () => {
    const { body } = userPatch({ op: 'Merge', path: 'displayName', value: 'A' });
    expect(opsOf(body)[0]!.op).toBe('merge');
  });
});

describe('string booleans, by schema', () => {
  it('turns Entra\'s default disable "False" on path active into false', () => {
    const { body, rewrites } = userPatch({ op: 'Replace', path: 'active', value: 'False' });
    expect(opsOf(body)[0]).toEqual({ op: 'replace', path: 'active', value: false });
    expect(log(rewrites)).toContainEqual({ rule: 'string-boolean', at: 'Operations[0].value', from: 'False', to: false });
  });

  it('coerces a no-path value {"active":"False"} and {"active":"true "}', () => {
    const { body, rewrites } = userPatch({ op: 'replace', value: { active: 'False' } }, { op: 'replace', value: { active: 'true ' } });
    expect(opsOf(body).map((o) => o.value)).toEqual([{ active: false }, { active: true }]);
    expect(log(rewrites)).toEqual([
      { rule: 'string-boolean', at: 'Operations[0].value.active', from: 'False', to: false },
      { rule: 'string-boolean', at: 'Operations[1].value.active', from: 'true ', to: true },
    ]);
  });

  it('coerces emails[].primary and addresses[].primary in a POST body, and OneLogin\'s templated "active"', () => {
    const { body, rewrites } = userBody({
      schemas: [USER_SCHEMA],
      userName: 'a@example.com',
      active: 'true',
      emails: [{ value: 'a@example.com', type: 'work', primary: 'True' }, { value: 'b@example.com', type: 'home', primary: 'FALSE' }],
      addresses: [{ type: 'work', locality: 'Oslo', primary: 'true' }],
    });
    const b = body as Json;
    expect(b.active).toBe(true);
    expect(b.emails).toEqual([{ value: 'a@example.com', type: 'work', primary: true }, { value: 'b@example.com', type: 'home', primary: false }]);
    expect(b.addresses).toEqual([{ type: 'work', locality: 'Oslo', primary: true }]);
    expect(log(rewrites)).toEqual([
      { rule: 'string-boolean', at: 'active', from: 'true', to: true },
      { rule: 'string-boolean', at: 'emails[0].primary', from: 'True', to: true },
      { rule: 'string-boolean', at: 'emails[1].primary', from: 'FALSE', to: false },
      { rule: 'string-boolean', at: 'addresses[0].primary', from: 'true', to: true },
    ]);
  });

  it('coerces the value of a value-filter path, of a filtered element, and of a whole multi-valued attribute', () => {
    const { body, rewrites } = userPatch(
      { op: 'Replace', path: 'emails[type eq "work"].primary', value: 'True' },
      { op: 'Replace', path: 'addresses[type eq "work"]', value: { locality: 'Oslo', primary: 'False' } },
      { op: 'Add', path: 'emails', value: [{ value: 'c@example.com', primary: 'true' }] },
    );
    expect(opsOf(body).map((o) => o.value)).toEqual([true, { locality: 'Oslo', primary: false }, [{ value: 'c@example.com', primary: true }]]);
    expect(log(rewrites).filter((r) => r.rule === 'string-boolean').map((r) => r.at)).toEqual([
      'Operations[0].value',
      'Operations[1].value.primary',
      'Operations[2].value[0].primary',
    ]);
  });

  it('coerces under dotted, URN-qualified and value-filter keys of a no-path value', () => {
    const { body, rewrites } = userPatch({
      op: 'replace',
      value: { [`${USER_SCHEMA}:active`]: 'False', 'emails[type eq "work"].primary': 'True', 'name.givenName': 'True' },
    });
    expect(opsOf(body)[0]!.value).toEqual({ [`${USER_SCHEMA}:active`]: false, 'emails[type eq "work"].primary': true, 'name.givenName': 'True' });
    expect(log(rewrites)).toEqual([
      { rule: 'string-boolean', at: `Operations[0].value.${USER_SCHEMA}:active`, from: 'False', to: false },
      { rule: 'string-boolean', at: 'Operations[0].value.emails[type eq "work"].primary', from: 'True', to: true },
    ]);
  });

  it('leaves "False" for a STRING attribute a string, in a path, a no-path value and a body', () => {
    const patched = userPatch({ op: 'Replace', path: 'title', value: 'False' }, { op: 'replace', value: { nickName: 'True', 'name.familyName': 'false' } });
    expect(opsOf(patched.body).map((o) => o.value)).toEqual(['False', { nickName: 'True', 'name.familyName': 'false' }]);
    expect(log(patched.rewrites)).toEqual([{ rule: 'op-case', at: 'Operations[0].op', from: 'Replace', to: 'replace' }]);

    const posted = userBody({ userName: 'a@example.com', title: 'False', emails: [{ value: 'True', type: 'false' }], [ENT]: { department: 'True' } });
    expect(posted.body).toMatchObject({ title: 'False', emails: [{ value: 'True', type: 'false' }], [ENT]: { department: 'True' } });
    expect(log(posted.rewrites)).toEqual([]);
  });

  it('leaves "yes", "1" and "" for a boolean as sent: the core refuses them with 400', () => {
    const { body, rewrites } = userPatch(
      { op: 'replace', path: 'active', value: 'yes' },
      { op: 'replace', value: { active: '1' } },
      { op: 'replace', path: 'emails[type eq "work"].primary', value: '' },
    );
    expect(opsOf(body).map((o) => o.value)).toEqual(['yes', { active: '1' }, '']);
    expect(log(rewrites)).toEqual([]);
  });

  it('does not touch attributes the schema does not know (the core refuses them)', () => {
    const { body, rewrites } = userBody({ userName: 'a@example.com', isAdmin: 'True' });
    expect((body as Json).isAdmin).toBe('True');
    expect(log(rewrites)).toEqual([]);
  });
});

describe('dotted and URN-qualified no-path keys', () => {
  it('keeps the keys as paths for the core to apply and logs nothing when there is nothing to coerce', () => {
    const value = { displayName: 'Bjfe', 'name.givenName': 'Kkom', [`${ENT}:employeeNumber`]: 'Aklq' };
    const { body, rewrites } = userPatch({ op: 'replace', value });
    expect(opsOf(body)[0]!.value).toEqual(value);
    expect(log(rewrites)).toEqual([]);
  });
});

describe('enterprise manager', () => {
  it('wraps Entra\'s bare id in {"value": id} on a URN-qualified path', () => {
    const { body, rewrites } = userPatch({ op: 'add', path: `${ENT}:manager`, value: 'boss-id' });
    expect(opsOf(body)[0]!.value).toEqual({ value: 'boss-id' });
    expect(log(rewrites)).toEqual([{ rule: 'bare-reference', at: 'Operations[0].value', from: 'boss-id', to: { value: 'boss-id' } }]);
  });

  it('wraps a bare id inside the extension object of a POST body', () => {
    const { body, rewrites } = userBody({ userName: 'a@example.com', [ENT]: { manager: 'boss-id', department: 'Sales' } });
    expect((body as Json)[ENT]).toEqual({ manager: { value: 'boss-id' }, department: 'Sales' });
    expect(log(rewrites)).toEqual([{ rule: 'bare-reference', at: `${ENT}.manager`, from: 'boss-id', to: { value: 'boss-id' } }]);
  });

  it('reads OneLogin\'s empty manager ("" or {"value": ""}) as no manager', () => {
    const a = userBody({ userName: 'a@example.com', [ENT]: { manager: '' } });
    const b = userBody({ userName: 'a@example.com', [ENT]: { manager: { value: '', displayName: ' ' } } });
    expect((a.body as Json)[ENT]).toEqual({ manager: null });
    expect((b.body as Json)[ENT]).toEqual({ manager: null });
    expect(log(a.rewrites)).toEqual([{ rule: 'empty-reference', at: `${ENT}.manager`, from: '', to: null }]);
    expect(log(b.rewrites).map((r) => r.rule)).toEqual(['empty-reference']);
  });

  it('qualifies an unqualified `manager[value eq "id"]` removal with the enterprise URN', () => {
    const { body, rewrites } = userPatch({ op: 'Remove', path: 'manager[value eq "boss-id"]' });
    expect(opsOf(body)[0]).toEqual({ op: 'remove', path: `${ENT}:manager[value eq "boss-id"]` });
    expect(log(rewrites)).toContainEqual({
      rule: 'unqualified-extension-path',
      at: 'Operations[0].path',
      from: 'manager[value eq "boss-id"]',
      to: `${ENT}:manager[value eq "boss-id"]`,
    });
  });

  it('reads the older Entra shape (path "manager", one-element array) as the enterprise manager object', () => {
    const { body, rewrites } = userPatch({ op: 'Add', path: 'manager', value: [{ $ref: 'https://x/Users/boss-id', value: 'boss-id' }] });
    expect(opsOf(body)[0]).toEqual({ op: 'add', path: `${ENT}:manager`, value: { $ref: 'https://x/Users/boss-id', value: 'boss-id' } });
    expect(log(rewrites).map((r) => [r.rule, r.at])).toEqual([
      ['op-case', 'Operations[0].op'],
      ['unqualified-extension-path', 'Operations[0].path'],
      ['single-value-array', 'Operations[0].value'],
    ]);
  });

  it('qualifies an unqualified extension key of a no-path value and wraps its bare id', () => {
    const { body, rewrites } = userPatch({ op: 'replace', value: { manager: 'boss-id', department: 'Ops' } });
    expect(opsOf(body)[0]!.value).toEqual({ [`${ENT}:manager`]: { value: 'boss-id' }, [`${ENT}:department`]: 'Ops' });
    expect(log(rewrites).map((r) => [r.rule, r.at])).toEqual([
      ['unqualified-extension-path', 'Operations[0].value.manager'],
      ['bare-reference', `Operations[0].value.${ENT}:manager`],
      ['unqualified-extension-path', 'Operations[0].value.department'],
    ]);
  });

  it('never qualifies a core or common attribute, an unknown name, or a POST body key', () => {
    const patched = userPatch({ op: 'replace', path: 'displayName', value: 'A' }, { op: 'replace', path: 'externalId', value: 'x' }, { op: 'replace', path: 'nosuch', value: 'x' });
    expect(opsOf(patched.body).map((o) => o.path)).toEqual(['displayName', 'externalId', 'nosuch']);
    expect(log(patched.rewrites)).toEqual([]);
    const posted = userBody({ userName: 'a@example.com', department: 'Sales' });
    expect(posted.body).toEqual({ userName: 'a@example.com', department: 'Sales' });
  });
});

describe('group members', () => {
  it('passes Entra\'s member values with "$ref": null through untouched (matched on value by the core)', () => {
    const ops = [
      { op: 'add', path: 'members', value: [{ $ref: null, value: 'u1' }] },
      { op: 'remove', path: 'members', value: [{ $ref: null, value: 'u2' }] },
      { op: 'remove', path: 'members[value eq "u3"]' },
      { op: 'replace', path: 'members', value: [] },
    ];
    const { body, rewrites } = groupPatch(...ops);
    expect(opsOf(body)).toEqual(ops);
    expect(log(rewrites)).toEqual([]);
  });
});

describe('id, meta, schemas and groups the core ignores', () => {
  it('logs id, meta and groups of a User PUT body without changing it', () => {
    const sent = { schemas: [USER_SCHEMA], id: 'x', userName: 'a@example.com', groups: [], meta: { resourceType: 'User' } };
    const { body, rewrites } = userBody(sent);
    expect(body).toEqual(sent);
    expect(log(rewrites)).toEqual([
      { rule: 'read-only-ignored', at: 'id' },
      { rule: 'read-only-ignored', at: 'groups' },
      { rule: 'read-only-ignored', at: 'meta' },
    ]);
  });

  it('logs id and meta, but not groups, of a Group body', () => {
    const { rewrites } = groupBody({ schemas: [GROUP_SCHEMA], id: 'g', displayName: 'G', meta: {}, members: [] });
    expect(log(rewrites).map((r) => r.at)).toEqual(['id', 'meta']);
  });

  it('logs id, meta and schemas of an Okta no-path value where they are in the request', () => {
    const { body, rewrites } = groupPatch({ op: 'replace', value: { id: 'g', schemas: [GROUP_SCHEMA], meta: {}, displayName: 'Renamed' } });
    expect(opsOf(body)[0]!.value).toEqual({ id: 'g', schemas: [GROUP_SCHEMA], meta: {}, displayName: 'Renamed' });
    expect(log(rewrites)).toEqual([
      { rule: 'read-only-ignored', at: 'Operations[0].value.id' },
      { rule: 'read-only-ignored', at: 'Operations[0].value.schemas' },
      { rule: 'read-only-ignored', at: 'Operations[0].value.meta' },
    ]);
  });
});

describe('extra schema URNs', () => {
  it('keeps Entra\'s Microsoft group URN and logs it', () => {
    const { body, rewrites } = groupBody({ schemas: [GROUP_SCHEMA, MS_GROUP], displayName: 'G' });
    expect((body as Json).schemas).toEqual([GROUP_SCHEMA, MS_GROUP]);
    expect(log(rewrites)).toEqual([{ rule: 'extra-schema-urn', at: 'schemas[1]', from: MS_GROUP }]);
  });

  it('does not log the resource\'s own schema or its extensions, in any case', () => {
    const { rewrites } = userBody({ schemas: [USER_SCHEMA.toUpperCase(), ENT], userName: 'a@example.com' });
    expect(log(rewrites)).toEqual([]);
  });
});

describe('empty Operations', () => {
  it('passes an empty Operations list through as a no-op, unlogged', () => {
    const { body, rewrites } = userPatch();
    expect(body).toEqual(patch());
    expect(log(rewrites)).toEqual([]);
  });
});

describe('OneLogin legacy URNs', () => {
  it('rewrites schemas entries and the enterprise key of a User body', () => {
    const { body, rewrites } = userBody({ schemas: [LEGACY_CORE, LEGACY_ENT], userName: 'a@example.com', [LEGACY_ENT]: { department: 'Sales' } });
    expect(body).toEqual({ schemas: [USER_SCHEMA, ENT], userName: 'a@example.com', [ENT]: { department: 'Sales' } });
    expect(log(rewrites)).toEqual([
      { rule: 'legacy-urn', at: LEGACY_ENT, from: LEGACY_ENT, to: ENT },
      { rule: 'legacy-urn', at: 'schemas[0]', from: LEGACY_CORE, to: USER_SCHEMA },
      { rule: 'legacy-urn', at: 'schemas[1]', from: LEGACY_ENT, to: ENT },
    ]);
  });

  it('reads the legacy core URN of a Group as the Group schema, with or without ":Group"', () => {
    const { body } = groupBody({ schemas: [LEGACY_CORE, `${LEGACY_CORE}:Group`], displayName: 'G' });
    expect((body as Json).schemas).toEqual([GROUP_SCHEMA, GROUP_SCHEMA]);
  });

  it('rewrites PATCH paths and no-path keys, in any case, and coerces what they then name', () => {
    const { body, rewrites } = userPatch(
      { op: 'replace', path: `${LEGACY_ENT}:department`, value: 'Ops' },
      { op: 'replace', path: `${LEGACY_CORE}:User:active`, value: 'False' },
      { op: 'replace', path: 'URN:SCIM:SCHEMAS:CORE:2.0:userName', value: 'b@example.com' },
      { op: 'replace', value: { [`${LEGACY_ENT}:manager`]: 'boss-id', [LEGACY_ENT]: { costCenter: 'CC' } } },
    );
    expect(opsOf(body)).toEqual([
      { op: 'replace', path: `${ENT}:department`, value: 'Ops' },
      { op: 'replace', path: `${USER_SCHEMA}:active`, value: false },
      { op: 'replace', path: `${USER_SCHEMA}:userName`, value: 'b@example.com' },
      { op: 'replace', value: { [`${ENT}:manager`]: { value: 'boss-id' }, [ENT]: { costCenter: 'CC' } } },
    ]);
    expect(log(rewrites).filter((r) => r.rule === 'legacy-urn').map((r) => r.at)).toEqual([
      'Operations[0].path',
      'Operations[1].path',
      'Operations[2].path',
      `Operations[3].value.${LEGACY_ENT}:manager`,
      `Operations[3].value.${LEGACY_ENT}`,
    ]);
    expect(log(rewrites)).toContainEqual({ rule: 'string-boolean', at: 'Operations[1].value', from: 'False', to: false });
  });

  it('rewrites the attribute path of a filter and logs it at "filter"', () => {
    const rewrites = new RewriteLog();
    expect(normaliseFilter(userResourceType, `${LEGACY_ENT}:employeeNumber eq "E-1"`, rewrites)).toBe(`${ENT}:employeeNumber eq "E-1"`);
    expect(normaliseFilter(userResourceType, `${LEGACY_CORE}:userName eq "a" and ${LEGACY_CORE}:User:active eq true`, rewrites)).toBe(
      `${USER_SCHEMA}:userName eq "a" and ${USER_SCHEMA}:active eq true`,
    );
    expect(log(rewrites).map((r) => [r.rule, r.at])).toEqual([
      ['legacy-urn', 'filter'],
      ['legacy-urn', 'filter'],
    ]);
  });

  it('never rewrites a quoted comparison value, in a filter or a PATCH value path', () => {
    const rewrites = new RewriteLog();
    const filter = `externalId eq "${LEGACY_CORE}" or ${LEGACY_CORE}:externalId eq "say \\"${LEGACY_ENT}\\""`;
    expect(normaliseFilter(userResourceType, filter, rewrites)).toBe(`externalId eq "${LEGACY_CORE}" or ${USER_SCHEMA}:externalId eq "say \\"${LEGACY_ENT}\\""`);
    expect(normaliseFilter(userResourceType, `externalId eq "${LEGACY_CORE}:User"`, rewrites)).toBe(`externalId eq "${LEGACY_CORE}:User"`);
    expect(log(rewrites)).toHaveLength(1);

    const { body } = userPatch({ op: 'remove', path: `emails[value eq "${LEGACY_CORE}"]` });
    expect(opsOf(body)[0]!.path).toBe(`emails[value eq "${LEGACY_CORE}"]`);
  });
});

describe('filters as IdPs send them', () => {
  const alice = {
    userName: 'Alice@Example.com',
    externalId: 'jyoung',
    active: false,
    emails: [{ value: 'x@example.com', type: 'work' }],
    addresses: [{ type: 'work', primary: true }],
    [ENT]: { manager: { value: 'boss-id' } },
  };
  const bob = { userName: 'bob@example.com', emails: [{ value: 'y@example.com', type: 'work' }, { value: 'x@example.com', type: 'home' }] };
  const matching = (filter: string) => {
    const rewrites = new RewriteLog();
    const matches = compileFilter(userResourceType, parseFilter(normaliseFilter(userResourceType, filter, rewrites)));
    return { names: [alice, bob].filter((u) => matches(u)).map((u) => u.userName), rewrites: log(rewrites) };
  };

  it.each([
    ['operators and attribute names in any case', 'USERNAME EQ "alice@example.com"', ['Alice@Example.com']],
    ['string booleans in a value filter', 'addresses[primary EQ "True"]', ['Alice@Example.com']],
    ['a string boolean for active', 'active eq "False"', ['Alice@Example.com']],
    ['an unquoted bare word as a string', 'externalId eq jyoung', ['Alice@Example.com']],
    ['manager eq "id" as the enterprise manager', 'manager eq "boss-id"', ['Alice@Example.com']],
    ['a value path evaluated per element', 'emails[type eq "work"].value eq "x@example.com"', ['Alice@Example.com']],
    ['the same value path on the home element', 'emails[type eq "home"].value eq "X@example.com"', ['bob@example.com']],
  ])('%s: the normaliser leaves it to the parser, which matches', (_rule, filter, expected) => {
    const { names, rewrites } = matching(filter);
    expect(names).toEqual(expected);
    expect(rewrites).toEqual([]);
  });
});

describe('a plain RFC 7644 request', () => {
  it('is passed through unchanged, with an empty log', () => {
    const user = {
      schemas: [USER_SCHEMA, ENT],
      userName: 'a@example.com',
      active: true,
      name: { givenName: 'A', familyName: 'B' },
      emails: [{ value: 'a@example.com', type: 'work', primary: true }],
      addresses: [{ type: 'work', primary: false, locality: 'Oslo' }],
      [ENT]: { manager: { value: 'boss-id' }, department: 'Sales' },
    };
    const posted = userBody(structuredClone(user));
    expect(posted.body).toEqual(user);
    expect(log(posted.rewrites)).toEqual([]);

    const ops = [
      { op: 'replace', path: 'active', value: false },
      { op: 'add', path: 'emails[type eq "work"].primary', value: true },
      { op: 'replace', path: `${ENT}:manager`, value: { value: 'boss-id' } },
      { op: 'remove', path: `${ENT}:manager[value eq "boss-id"]` },
      { op: 'replace', value: { displayName: 'A B', 'name.givenName': 'A' } },
    ];
    const patched = userPatch(...structuredClone(ops));
    expect(patched.body).toEqual(patch(...ops));
    expect(log(patched.rewrites)).toEqual([]);

    const rewrites = new RewriteLog();
    expect(normaliseFilter(userResourceType, 'userName eq "a@example.com"', rewrites)).toBe('userName eq "a@example.com"');
    expect(log(rewrites)).toEqual([]);
  });

  it('never mutates what it was given', () => {
    const sent = patch({ op: 'Replace', path: 'active', value: 'False' }, { op: 'replace', value: { active: 'True', [`${LEGACY_ENT}:manager`]: 'b' } });
    const copy = structuredClone(sent);
    normalisePatchBody(userResourceType, sent);
    expect(sent).toEqual(copy);
  });

  it('passes what is not a JSON object to the core as it is', () => {
    expect(normaliseResourceBody(userResourceType, 'text').body).toBe('text');
    expect(normalisePatchBody(userResourceType, { schemas: [PATCH_OP] }).body).toEqual({ schemas: [PATCH_OP] });
    expect(normalisePatchBody(userResourceType, null).body).toBeNull();
  });
});

describe('RewriteLog', () => {
  it('keeps the first 50 rewrites of a huge request', () => {
    const ops = Array.from({ length: 80 }, () => ({ op: 'Replace', path: 'active', value: 'False' }));
    const { rewrites } = userPatch(...ops);
    expect(rewrites.items).toHaveLength(50);
    expect(rewrites.items[0]).toEqual({ rule: 'op-case', at: 'Operations[0].op', from: 'Replace', to: 'replace' });
  });

  it('accumulates into a log passed in, as the routes share one per request', () => {
    const shared = new RewriteLog();
    normalisePatchBody(userResourceType, patch({ op: 'Add', path: 'nickName', value: 'n' }), shared);
    normaliseFilter(userResourceType, `${LEGACY_CORE}:userName pr`, shared);
    expect(shared.items.map((r) => r.rule)).toEqual(['op-case', 'legacy-urn']);
  });
});
