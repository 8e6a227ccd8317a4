import { describe, it, expect } from 'vitest';
import { ScimError } from '../../src/scim/errors.js';
import { groupResourceType, userResourceType } from '../../src/scim/schema/resource-types.js';
import type { ResourceTypeDef } from '../../src/scim/schema/resource-types.js';
import { parseFilter } from '../../src/scim/filter/parse-filter.js';
import { DEFAULT_LIMITS } from '../../src/scim/limits.js';

const { filterLength: MAX_FILTER_LENGTH, filterDepth: MAX_FILTER_DEPTH } = DEFAULT_LIMITS;
import { compileFilter, sortComparator } from '../../src/scim/filter/evaluate-filter.js';
import { equalityHint } from '../../src/scim/filter/sql-hint.js';

type Json = Record<string, unknown>;
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ZI = 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User';

const alice: Json = {
  id: 'u1',
  externalId: 'jyoung',
  userName: 'Alice@Example.com',
  name: { givenName: 'Alice', familyName: 'Young' },
  displayName: 'Alice Young',
  title: 'Senior Engineer',
  active: true,
  emails: [
    { value: 'alice@home.example', type: 'home', primary: true },
    { value: 'Alice@Acme.com', type: 'work' },
  ],
  addresses: [
    { type: 'home', locality: 'Lyon' },
    { type: 'work', locality: 'Paris', primary: true },
  ],
  x509Certificates: [{ value: 'TUlJ' }],
  [ENT]: { employeeNumber: '42', manager: { value: 'u2', displayName: 'Bob' } },
  [ZI]: { licenses: ['SalesOS', 'Copilot'], credits: { allocation: 100, resetPeriod: 'monthly' } },
  meta: { created: '2024-01-01T00:00:00Z', lastModified: '2024-03-01T12:00:00Z' },
};

// The value-path trap: bob's HOME email is x@example.com and he also has a work email.
const bob: Json = {
  id: 'u2',
  externalId: 'BOB-1',
  userName: 'bob',
  active: false,
  title: '',
  emails: [
    { value: 'x@example.com', type: 'home' },
    { value: 'bob@acme.com', type: 'work' },
  ],
  addresses: [{ type: 'home', primary: false }],
  meta: { created: '2023-06-01T00:00:00Z', lastModified: '2024-01-15T00:00:00+01:00' },
};

// Almost nothing set: exercises pr / null handling.
const carol: Json = { id: 'u3', userName: 'carol', emails: [], name: { givenName: '' }, meta: {} };

const users = [alice, bob, carol];

const matching = (filter: string, rt: ResourceTypeDef = userResourceType, resources = users): string[] => {
  const test = compileFilter(rt, parseFilter(filter));
  return resources.filter(test).map((r) => r.id as string);
};

/** Runs `fn`, which must throw a ScimError 400 of the given scimType; returns its detail. */
function scimFailure(fn: () => unknown, scimType = 'invalidFilter'): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    const e = error as ScimError;
    expect(e.status).toBe(400);
    expect(e.scimType).toBe(scimType);
    return e.detail;
  }
  throw new Error('expected a ScimError');
}
const invalid = (filter: string, rt: ResourceTypeDef = userResourceType) =>
  scimFailure(() => compileFilter(rt, parseFilter(filter)));

describe('parseFilter', () => {
  it('parses a simple comparison', () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual({ op: 'eq', attrPath: 'userName', compValue: 'bjensen' });
  });

  it('lower-cases operators and logical keywords', () => {
    expect(parseFilter('userName EQ "x" AND NOT (title PR) OR active Eq true')).toEqual({
      op: 'or',
      filters: [
        {
          op: 'and',
          filters: [
            { op: 'eq', attrPath: 'userName', compValue: 'x' },
            { op: 'not', filter: { op: 'pr', attrPath: 'title' } },
          ],
        },
        { op: 'eq', attrPath: 'active', compValue: true },
      ],
    });
  });

  it('gives and precedence over or', () => {
    expect(parseFilter('a pr or b pr and c pr')).toEqual({
      op: 'or',
      filters: [
        { op: 'pr', attrPath: 'a' },
        { op: 'and', filters: [{ op: 'pr', attrPath: 'b' }, { op: 'pr', attrPath: 'c' }] },
      ],
    });
  });

  it('rewrites attr[inner].sub OP value into one value filter', () => {
    expect(parseFilter('emails[type eq "work"].value eq "x"')).toEqual({
      op: '[]',
      attrPath: 'emails',
      valFilter: {
        op: 'and',
        filters: [
          { op: 'eq', attrPath: 'type', compValue: 'work' },
          { op: 'eq', attrPath: 'value', compValue: 'x' },
        ],
      },
    });
    expect(parseFilter('emails[type eq "work" or type eq "home"].value pr')).toEqual({
      op: '[]',
      attrPath: 'emails',
      valFilter: {
        op: 'and',
        filters: [
          {
            op: 'or',
            filters: [
              { op: 'eq', attrPath: 'type', compValue: 'work' },
              { op: 'eq', attrPath: 'type', compValue: 'home' },
            ],
          },
          { op: 'pr', attrPath: 'value' },
        ],
      },
    });
  });

  it('quotes bare words but keeps JSON literals and numbers', () => {
    expect(parseFilter('externalId eq jyoung')).toEqual({ op: 'eq', attrPath: 'externalId', compValue: 'jyoung' });
    expect(parseFilter('externalId eq jyoung@acme.com and userName pr')).toEqual({
      op: 'and',
      filters: [
        { op: 'eq', attrPath: 'externalId', compValue: 'jyoung@acme.com' },
        { op: 'pr', attrPath: 'userName' },
      ],
    });
    const values = (f: string) => (parseFilter(f) as { filters: { compValue: unknown }[] }).filters.map((c) => c.compValue);
    expect(values('a eq true and b eq false and c eq null and d eq 12 and e eq -5 and f eq 1.5e3')).toEqual([
      true,
      false,
      null,
      12,
      -5,
      1500,
    ]);
    // Not JSON literals, so bare words: "True" is coerced later for booleans only; 007 stays text.
    expect(values('a eq True and b eq 007 and c eq pr')).toEqual(['True', '007', 'pr']);
  });

  it('leaves brackets, parentheses and escaped quotes inside strings alone', () => {
    expect(parseFilter('displayName eq "a].b[c(d) \\"q\\" and"')).toEqual({
      op: 'eq',
      attrPath: 'displayName',
      compValue: 'a].b[c(d) "q" and',
    });
    expect(parseFilter('displayName eq "tail\\\\"')).toEqual({ op: 'eq', attrPath: 'displayName', compValue: 'tail\\' });
    // Not valid JSON: the unknown escape is kept literally (domain-qualified account names).
    expect(parseFilter('userName eq "CORP\\jdoe"')).toEqual({ op: 'eq', attrPath: 'userName', compValue: 'CORP\\jdoe' });
  });

  it('accepts attribute names with $ and URN prefixes', () => {
    expect(parseFilter('members[$ref pr]')).toEqual({
      op: '[]',
      attrPath: 'members',
      valFilter: { op: 'pr', attrPath: '$ref' },
    });
    expect(parseFilter(`${ENT}:manager eq "u2"`)).toEqual({ op: 'eq', attrPath: `${ENT}:manager`, compValue: 'u2' });
  });

  it('accepts a filter of exactly the maximum length and depth', () => {
    const base = 'userName eq ""';
    const long = `userName eq "${'x'.repeat(MAX_FILTER_LENGTH - base.length)}"`;
    expect(long).toHaveLength(MAX_FILTER_LENGTH);
    expect(() => parseFilter(long)).not.toThrow();
    const deep = `${'('.repeat(MAX_FILTER_DEPTH)}userName pr${')'.repeat(MAX_FILTER_DEPTH)}`;
    expect(parseFilter(deep)).toEqual({ op: 'pr', attrPath: 'userName' });
    // `not (` counts two levels: 16 of them are exactly the limit.
    expect(() => parseFilter(`${'not ('.repeat(16)}userName pr${')'.repeat(16)}`)).not.toThrow();
    expect(() => parseFilter(`${'not '.repeat(MAX_FILTER_DEPTH)}userName pr`)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['garbage', 'garbage'],
    ['garbage after a valid expression', 'userName eq "a" userName'],
    ['unknown operator', 'userName like "a"'],
    ['missing value', 'userName eq'],
    ['keyword as value', 'userName eq and title pr'],
    ['dangling and', 'userName pr and'],
    ['unclosed parenthesis', '(userName pr'],
    ['stray parenthesis', 'userName pr)'],
    ['unclosed bracket', 'emails[type eq "work"'],
    ['stray bracket', 'userName pr]'],
    ['mismatched brackets', 'emails[type eq "work")'],
    ['unterminated string', 'userName eq "abc'],
    ['empty sub-attribute', 'emails[type eq "work"]. eq "x"'],
    ['too long', `userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`],
    ['too deeply parenthesised', `${'('.repeat(MAX_FILTER_DEPTH + 1)}userName pr${')'.repeat(MAX_FILTER_DEPTH + 1)}`],
    ['too many nots', `${'not '.repeat(MAX_FILTER_DEPTH + 1)}userName pr`],
    ['too deep counting not and parentheses', `${'not ('.repeat(17)}userName pr${')'.repeat(17)}`],
    ['too deep counting value brackets', `${'('.repeat(MAX_FILTER_DEPTH)}emails[type pr]${')'.repeat(MAX_FILTER_DEPTH)}`],
  ])('rejects %s with invalidFilter', (_name, filter) => {
    const detail = scimFailure(() => parseFilter(filter));
    expect(detail.length).toBeGreaterThan(0);
  });

  it('explains what is wrong', () => {
    expect(scimFailure(() => parseFilter('userName like "a"'))).toMatch(/operator.*'like'/);
    expect(scimFailure(() => parseFilter('(userName pr'))).toMatch(/Unclosed '\('/);
    expect(scimFailure(() => parseFilter('x'.repeat(5000)))).toMatch(/4096/);
  });
});

describe('compileFilter: string operators', () => {
  it.each([
    ['userName eq "alice@example.com"', ['u1']],
    ['userName ne "alice@example.com"', ['u2', 'u3']],
    ['userName co "EXAMPLE"', ['u1']],
    ['userName sw "B"', ['u2']],
    ['userName ew ".COM"', ['u1']],
    ['userName gt "bob"', ['u3']],
    ['userName ge "bob"', ['u2', 'u3']],
    ['userName lt "bob"', ['u1']],
    ['userName le "bob"', ['u1', 'u2']],
    ['title pr', ['u1']],
    ['name.givenName eq "alice"', ['u1']],
  ])('%s', (filter, ids) => {
    expect(matching(filter)).toEqual(ids);
  });

  it('matches userName without case but externalId with case (RFC 7643 caseExact)', () => {
    expect(matching('userName eq "ALICE@EXAMPLE.COM"')).toEqual(['u1']);
    expect(matching('externalId eq "BOB-1"')).toEqual(['u2']);
    expect(matching('externalId eq "bob-1"')).toEqual([]);
    expect(matching('externalId sw "bob"')).toEqual([]);
  });

  it('accepts a bare-word value (Entra)', () => {
    expect(matching('externalId eq jyoung')).toEqual(['u1']);
    expect(matching('(externalId eq jyoung)')).toEqual(['u1']);
  });

  it('resolves attribute names and operators in any case', () => {
    expect(matching('USERNAME EQ "bob"')).toEqual(['u2']);
    expect(matching('Name.GivenName Sw "AL"')).toEqual(['u1']);
    expect(matching('userName eq "bob" OR externalId EQ jyoung')).toEqual(['u1', 'u2']);
  });
});

describe('compileFilter: other types', () => {
  it('compares booleans, coercing string booleans', () => {
    expect(matching('active eq true')).toEqual(['u1']);
    expect(matching('active eq false')).toEqual(['u2']);
    expect(matching('active eq "False"')).toEqual(['u2']);
    expect(matching('active eq "TRUE"')).toEqual(['u1']);
    expect(matching('active eq True')).toEqual(['u1']);
    expect(matching('active ne true')).toEqual(['u2', 'u3']);
    expect(matching('addresses[primary EQ "True"]')).toEqual(['u1']);
    expect(matching('active eq "yes"')).toEqual([]);
  });

  it('compares dateTimes as instants', () => {
    expect(matching('meta.lastModified gt "2024-02-01T00:00:00Z"')).toEqual(['u1']);
    expect(matching('meta.lastModified lt "2024-02-01T00:00:00Z"')).toEqual(['u2']);
    expect(matching('meta.lastModified ge "2024-01-14T23:00:00Z"')).toEqual(['u1', 'u2']);
    // bob's lastModified is written with a +01:00 offset: the same instant as 23:00Z.
    expect(matching('meta.lastModified eq "2024-01-14T23:00:00Z"')).toEqual(['u2']);
    expect(matching('meta.created le "2023-12-31T23:59:59Z"')).toEqual(['u2']);
    expect(matching('meta.created sw "2024"')).toEqual(['u1']);
    expect(matching('meta.lastModified gt "yesterday"')).toEqual([]);
  });

  it('compares integers as numbers', () => {
    expect(matching(`${ZI}:credits.allocation ge 100`)).toEqual(['u1']);
    expect(matching(`${ZI}:credits.allocation gt 100`)).toEqual([]);
    expect(matching(`${ZI}:credits.allocation lt 1e3`)).toEqual(['u1']);
  });

  it('does not match a compValue of the wrong type', () => {
    expect(matching(`${ZI}:credits.allocation eq "100"`)).toEqual([]);
    expect(matching('userName eq true')).toEqual([]);
    expect(matching('active eq 1')).toEqual([]);
  });

  it('reads a bare number as text for string attributes', () => {
    expect(matching(`${ENT}:employeeNumber eq 42`)).toEqual(['u1']);
  });

  it('rejects ordering operators on booleans and binaries', () => {
    expect(invalid('active gt true')).toMatch(/boolean/);
    expect(invalid('addresses[primary le "true"]')).toMatch(/boolean/);
    expect(invalid('x509Certificates.value lt "A"')).toMatch(/binary/);
  });
});

describe('compileFilter: multi-valued, complex and extension attributes', () => {
  it('matches when any element matches', () => {
    expect(matching('emails.value eq "alice@acme.com"')).toEqual(['u1']);
    expect(matching('emails.type eq "work"')).toEqual(['u1', 'u2']);
    expect(matching(`${ZI}:licenses eq "Copilot"`)).toEqual(['u1']);
    expect(matching(`${ZI}:licenses eq "copilot"`)).toEqual([]); // caseExact
  });

  it('compares the value sub-attribute of a complex attribute named alone', () => {
    expect(matching('emails eq "X@example.com"')).toEqual(['u2']);
    expect(matching('emails co "acme"')).toEqual(['u1', 'u2']);
    expect(invalid('name eq "Alice"')).toMatch(/name/);
  });

  it('handles URN-qualified enterprise attributes and manager', () => {
    expect(matching(`${ENT}:employeeNumber eq "42"`)).toEqual(['u1']);
    expect(matching(`${ENT.toUpperCase()}:EMPLOYEENUMBER eq "42"`)).toEqual(['u1']);
    expect(matching(`${ENT}:manager eq "u2"`)).toEqual(['u1']);
    expect(matching(`${ENT}:manager.value eq "u2"`)).toEqual(['u1']);
    expect(matching(`${ENT}:manager.displayName eq "bob"`)).toEqual(['u1']);
    expect(matching(`${ENT}:manager eq "U2"`)).toEqual([]); // manager.value is caseExact here
    // Unqualified extension attributes resolve when exactly one extension defines them.
    expect(matching('manager eq "u2"')).toEqual(['u1']);
    expect(matching('employeeNumber eq "42"')).toEqual(['u1']);
    expect(matching(`${ZI}:credits.resetPeriod eq "monthly"`)).toEqual(['u1']);
  });

  it('treats empty strings, empty arrays and empty complex values as not present', () => {
    expect(matching('title pr')).toEqual(['u1']);
    expect(matching('emails pr')).toEqual(['u1', 'u2']);
    expect(matching('name pr')).toEqual(['u1']);
    expect(matching('name.givenName pr')).toEqual(['u1']);
    expect(matching(`${ENT}:manager pr`)).toEqual(['u1']);
    expect(matching('meta.created pr')).toEqual(['u1', 'u2']);
    expect(matching('not (externalId pr)')).toEqual(['u3']);
  });

  it('reads eq null as not present and ne null as present', () => {
    expect(matching('externalId eq null')).toEqual(['u3']);
    expect(matching('title eq null')).toEqual(['u2', 'u3']);
    expect(matching('externalId ne null')).toEqual(['u1', 'u2']);
  });

  it('makes ne the negation of eq on multi-valued attributes', () => {
    expect(matching('emails.type ne "home"')).toEqual(['u3']);
    expect(matching('emails.type ne "other"')).toEqual(['u1', 'u2', 'u3']);
  });
});

describe('compileFilter: value paths', () => {
  it('requires one element to satisfy the whole inner filter', () => {
    expect(matching('emails[type eq "work" and value co "@acme"]')).toEqual(['u1', 'u2']);
    expect(matching('emails[type eq "home" and value co "@acme"]')).toEqual([]);
    expect(matching('emails[type eq "work" and value co "example"]')).toEqual([]);
    expect(matching('addresses[type eq "work" and locality eq "paris"]')).toEqual(['u1']);
    expect(matching('addresses[type eq "home" and locality eq "paris"]')).toEqual([]);
    expect(matching('emails[not (type eq "home")]')).toEqual(['u1', 'u2']);
  });

  it('does not fall into the home-email trap of attr[inner].sub', () => {
    // bob's HOME email is x@example.com and he has a work email: he must not match.
    expect(matching('emails[type eq "work"].value eq "x@example.com"')).toEqual([]);
    expect(matching('emails[type eq "home"].value eq "x@example.com"')).toEqual(['u2']);
    expect(matching('emails[type eq "work"].value co "acme" and userName eq "bob"')).toEqual(['u2']);
    expect(matching('emails[type eq "work"].value pr')).toEqual(['u1', 'u2']);
    expect(matching('not (emails[type eq "work"].value eq "x@example.com")')).toEqual(['u1', 'u2', 'u3']);
  });

  it('works with URN-qualified and upper-case paths', () => {
    expect(matching(`urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]`)).toEqual(['u1', 'u2']);
    expect(matching('EMAILS[TYPE EQ "WORK"].VALUE SW "BOB"')).toEqual(['u2']);
  });

  it('rejects unknown sub-attributes, nesting and value filters on simple attributes', () => {
    expect(invalid('emails[colour eq "red"]')).toMatch(/colour/);
    expect(invalid('emails[type eq "work"].colour eq "red"')).toMatch(/colour/);
    expect(invalid('userName[value eq "x"]')).toMatch(/userName/);
    expect(invalid('emails[value[type pr]]')).toBeTruthy();
  });
});

describe('compileFilter: logic', () => {
  it('applies and/or/not with precedence and parentheses', () => {
    expect(matching('userName eq "bob" or userName eq "carol" and active eq true')).toEqual(['u2']);
    expect(matching('(userName eq "bob" or userName eq "carol") and active eq false')).toEqual(['u2']);
    expect(matching('not (userName eq "bob") and not (userName eq "carol")')).toEqual(['u1']);
    expect(matching('not (userName eq "bob" or userName eq "carol")')).toEqual(['u1']);
    expect(matching('userName pr and not (active pr) or title pr')).toEqual(['u1', 'u3']);
    expect(matching('userName eq "a" or userName eq "bob" and active eq false or userName eq "carol"')).toEqual([
      'u2',
      'u3',
    ]);
  });

  it('rejects unknown attributes, naming them', () => {
    expect(invalid('colour eq "red"')).toMatch(/colour/);
    expect(invalid('name.nick eq "x"')).toMatch(/name\.nick/);
    expect(invalid('userName eq "x" or bogus pr')).toMatch(/bogus/);
    expect(invalid('urn:example:unknown:attr eq "x"')).toMatch(/urn:example/);
    expect(invalid('userName eq "x"', groupResourceType)).toMatch(/userName/);
  });

  it('filters groups', () => {
    const groups: Json[] = [
      { id: 'g1', displayName: 'Admins', members: [{ value: 'u1', $ref: '/Users/u1' }] },
      { id: 'g2', displayName: 'Sales', members: [] },
    ];
    expect(matching('displayName eq "admins"', groupResourceType, groups)).toEqual(['g1']);
    expect(matching('members.value eq "u1"', groupResourceType, groups)).toEqual(['g1']);
    expect(matching('members[value eq "U1"]', groupResourceType, groups)).toEqual([]);
    expect(matching('members[$ref pr]', groupResourceType, groups)).toEqual(['g1']);
    expect(matching('not (members pr)', groupResourceType, groups)).toEqual(['g2']);
  });
});

describe('sortComparator', () => {
  const ids = (sortBy: string, order: 'ascending' | 'descending' = 'ascending', list: Json[] = users) =>
    [...list].sort(sortComparator(userResourceType, sortBy, order)).map((r) => r.id);

  it('sorts strings without case unless caseExact', () => {
    expect(ids('userName')).toEqual(['u1', 'u2', 'u3']);
    expect(ids('USERNAME', 'descending')).toEqual(['u3', 'u2', 'u1']);
    // externalId is caseExact: "BOB-1" sorts before "jyoung"; carol has none and comes last.
    expect(ids('externalId')).toEqual(['u2', 'u1', 'u3']);
    expect(ids('externalId', 'descending')).toEqual(['u3', 'u1', 'u2']);
  });

  it('puts resources without a value last ascending and first descending', () => {
    expect(ids('name.givenName')).toEqual(['u1', 'u2', 'u3']); // bob has no name, carol's is ""
    expect(ids('title', 'descending')).toEqual(['u2', 'u3', 'u1']);
  });

  it('uses the primary element of a multi-valued attribute, else the first', () => {
    // alice's primary email is alice@home.example (not her first); bob's first is x@example.com.
    const list: Json[] = [
      { id: 'a', emails: [{ value: 'z@x' }, { value: 'a@x', primary: true }] },
      { id: 'b', emails: [{ value: 'm@x' }, { value: 'b@x' }] },
      { id: 'c', emails: [] },
    ];
    expect(ids('emails.value', 'ascending', list)).toEqual(['a', 'b', 'c']);
    expect(ids('emails', 'descending', list)).toEqual(['c', 'b', 'a']);
  });

  it('sorts dateTimes as instants and numbers numerically', () => {
    expect(ids('meta.lastModified')).toEqual(['u2', 'u1', 'u3']);
    const list: Json[] = [
      { id: 'a', [ZI]: { credits: { allocation: 100 } } },
      { id: 'b', [ZI]: { credits: { allocation: 9 } } },
    ];
    expect(ids(`${ZI}:credits.allocation`, 'ascending', list)).toEqual(['b', 'a']);
  });

  it('breaks ties by id so the order is total', () => {
    const list: Json[] = [
      { id: 'c', title: 'X' },
      { id: 'a', title: 'x' },
      { id: 'b', title: 'X' },
    ];
    expect(ids('title', 'ascending', list)).toEqual(['a', 'b', 'c']);
    expect(ids('title', 'descending', list)).toEqual(['a', 'b', 'c']);
  });

  it('rejects unknown or unsortable attributes with invalidValue', () => {
    scimFailure(() => sortComparator(userResourceType, 'colour', 'ascending'), 'invalidValue');
    scimFailure(() => sortComparator(userResourceType, 'name', 'ascending'), 'invalidValue');
    scimFailure(() => sortComparator(groupResourceType, 'userName', 'ascending'), 'invalidValue');
  });
});

describe('equalityHint', () => {
  const hint = (filter: string, rt: ResourceTypeDef = userResourceType) => equalityHint(rt, parseFilter(filter));

  it('returns the canonical attribute for indexed equalities', () => {
    expect(hint('id eq "u1"')).toEqual({ attribute: 'id', value: 'u1' });
    expect(hint('USERNAME eq "Alice@Example.com"')).toEqual({ attribute: 'userName', value: 'Alice@Example.com' });
    expect(hint('externalId eq jyoung')).toEqual({ attribute: 'externalId', value: 'jyoung' });
    expect(hint('displayName eq "Admins"', groupResourceType)).toEqual({ attribute: 'displayName', value: 'Admins' });
    expect(hint('emails.value eq "a@b"')).toEqual({ attribute: 'emails.value', value: 'a@b' });
    expect(hint('emails eq "a@b"')).toEqual({ attribute: 'emails.value', value: 'a@b' });
    expect(hint('emails[type eq "work"].value eq "a@b"')).toEqual({ attribute: 'emails.value', value: 'a@b' });
  });

  it('takes a conjunct of a top-level and, preferring the most selective', () => {
    expect(hint('active eq true and userName eq "bob"')).toEqual({ attribute: 'userName', value: 'bob' });
    expect(hint('displayName eq "B" and (externalId eq "x" and title pr)')).toEqual({
      attribute: 'externalId',
      value: 'x',
    });
    expect(hint('userName eq "bob" and id eq "u2"')).toEqual({ attribute: 'id', value: 'u2' });
  });

  it('returns null when no single equality narrows every match', () => {
    expect(hint('userName eq "a" or userName eq "b"')).toBeNull();
    expect(hint('not (userName eq "a")')).toBeNull();
    expect(hint('userName ne "a"')).toBeNull();
    expect(hint('userName sw "a"')).toBeNull();
    expect(hint('title eq "a"')).toBeNull();
    expect(hint('id eq 5')).toBeNull();
    expect(hint('userName eq null')).toBeNull();
    expect(hint(`${ENT}:employeeNumber eq "1"`)).toBeNull();
    expect(hint('userName eq "a"', groupResourceType)).toBeNull();
    expect(hint('emails[type eq "work"]')).toBeNull();
  });
});
