/**
 * SCIM-aware fast-check generators for the fuzzer (the "Reliability and security" issue, item 2).
 *
 * Every generator mixes valid material (real attribute names, real URNs, the dialects of
 * PRODUCT.md §4) with hostile material (prototype names, deep nesting, huge and unpaired-surrogate
 * strings, wrong types, junk syntax), so that requests get past the early checks often enough to
 * reach the deep code, and are wrong in a new way often enough to find what it does not expect.
 *
 * A request is plain data (FuzzRequest). It names the seeded resources by placeholders
 * (`{{user0}}`, `{{group0}}`, `{{userName0}}`, `{{etagUser0}}`, `{{token}}` ...), which the runner
 * (properties.ts) resolves against the live sandbox just before sending, so that one generated
 * request means the same thing whatever the ids of the current seed are.
 */
import fc from 'fast-check';

export type FuzzKind = 'filter' | 'patch' | 'body' | 'query' | 'headers';
export const FUZZ_KINDS: readonly FuzzKind[] = ['filter', 'patch', 'body', 'query', 'headers'];

export interface FuzzRequest {
  kind: FuzzKind;
  method: string;
  /** Under /scim/v2, query included, already percent-encoded as the client sends it; may hold placeholders. */
  path: string;
  /**
   * Lower-case header name to value; null leaves the header out. Without an entry the runner sends
   * `authorization: Bearer <SCIM token>` and, with a body, `content-type: application/scim+json`.
   */
  headers: Record<string, string | null>;
  /** The raw body text; undefined sends none. */
  body?: string;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  zoominfo: 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  search: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  microsoftGroup: 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
} as const;

/** Real, legacy (OneLogin), shouting and bogus schema URNs. */
const URNS = [
  URN.user,
  URN.group,
  URN.enterprise,
  URN.zoominfo,
  URN.patchOp,
  URN.search,
  URN.error,
  URN.listResponse,
  URN.microsoftGroup,
  'urn:scim:schemas:core:2.0',
  'urn:scim:schemas:core:2.0:User',
  'urn:scim:schemas:core:2.0:Group',
  'urn:scim:schemas:extension:enterprise:2.0',
  'urn:scim:schemas:extension:enterprise:2.0:User',
  'urn:scim:schemas:core:1.0',
  'urn:ietf:params:scim:schemas:core:2.0',
  'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER',
  'urn:ietf:params:scim:schemas:extension:zoominfo:2.0',
  'urn:foo:bar',
  'urn:',
  'urn',
  '',
];

const USER_ATTRIBUTES = [
  'userName', 'name', 'name.givenName', 'name.familyName', 'name.formatted', 'name.middleName', 'name.honorificPrefix',
  'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'active',
  'password', 'emails', 'emails.value', 'emails.type', 'emails.primary', 'emails.display', 'phoneNumbers',
  'phoneNumbers.value', 'phoneNumbers.type', 'ims', 'ims.value', 'photos', 'photos.value', 'addresses',
  'addresses.streetAddress', 'addresses.locality', 'addresses.postalCode', 'addresses.country', 'addresses.type',
  'addresses.primary', 'addresses.formatted', 'groups', 'groups.value', 'groups.display', 'entitlements',
  'entitlements.value', 'roles', 'roles.value', 'roles.primary', 'x509Certificates', 'x509Certificates.value',
  'externalId', 'id', 'meta', 'meta.created', 'meta.lastModified', 'meta.version', 'meta.resourceType', 'meta.location',
  'schemas',
];
const ENTERPRISE_ATTRIBUTES = [
  'employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager', 'manager.value',
  'manager.displayName', 'manager.$ref',
];
const ZOOMINFO_ATTRIBUTES = ['role', 'licenses', 'credits', 'credits.allocation', 'credits.resetPeriod'];
const GROUP_ATTRIBUTES = ['displayName', 'members', 'members.value', 'members.display', 'members.type', 'members.$ref', 'externalId', 'id', 'meta'];
const SUB_ATTRIBUTES = ['value', 'type', 'primary', 'display', '$ref', 'givenName', 'familyName', 'streetAddress', 'allocation', 'resetPeriod', 'displayName'];
const MULTI_VALUED = ['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'members', 'groups', 'roles', 'entitlements', 'x509Certificates', 'licenses'];

/** Names that reach prototypes, Object.prototype methods, and path syntax out of place. */
const HOSTILE_SEGMENTS = [
  '__proto__', 'constructor', 'prototype', '__PROTO__', 'Constructor', 'PROTOTYPE', ' __proto__ ', '__proto__ ',
  'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__', '__lookupSetter__', 'isPrototypeOf', 'polluted',
  'length', '0', '-1', '$ref', '$', '', ' ', '.', '..', 'a.b.c', '[', ']', '[]', ':', 'urn:', '"', '\\', '\u0000',
];

/** Attribute paths that target prototypes through every syntax a path has. */
const HOSTILE_PATHS = [
  '__proto__', '__proto__.polluted', 'constructor.prototype.polluted', 'constructor', 'prototype', 'name.__proto__',
  'name.constructor', 'emails.__proto__', '__proto__[value eq "x"]', 'emails[__proto__ eq "x"]', 'emails[type eq "x"].__proto__',
  'emails[type eq "__proto__"].value', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:__proto__',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.__proto__', `${URN.zoominfo}:constructor`,
  'urn:ietf:params:scim:schemas:core:2.0:User:__proto__.polluted', '__proto__.toString', 'constructor.prototype',
  'members[value eq "x"].__proto__', 'name[givenName eq "x"]', 'emails[constructor pr]', 'emails[value eq "a"][type eq "b"]',
  'emails[type eq "work"', 'emails]', 'emails[]', '[type eq "work"]', 'emails[type eq "work"]value', 'emails[type eq "work"].',
  'emails[type eq "work"].value.x', 'userName.x', 'name.givenName.x', 'emails..value', '.userName', 'userName.', ' userName ',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:scim:schemas:extension:enterprise:2.0:manager', 'urn:scim:schemas:core:2.0:userName', 'urn:foo:userName',
];

/** Canonical case most of the time, any case otherwise (RFC 7643 §2.1: names are case-insensitive). */
const anyCase = (names: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 3 }, { arbitrary: fc.mixedCase(fc.constantFrom(...names)), weight: 1 });

const join = (parts: string[], sep = '') => parts.join(sep);

/** `arb` one time in `oneIn`, else `nil` (fc.option's `freq` is the other way round: nil one time in freq). */
function sometimes<T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null>;
function sometimes<T, N>(arb: fc.Arbitrary<T>, oneIn: number, nil: N): fc.Arbitrary<T | N>;
function sometimes<T>(arb: fc.Arbitrary<T>, oneIn: number, nil: unknown = null): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: fc.constant(nil), weight: oneIn - 1 }, { arbitrary: arb, weight: 1 });
}

// ---------------------------------------------------------------------------------------------
// Strings and JSON values

/** Enough to cross BODY_LIMIT (the runner sets 256kb), MAX_FILTER_LENGTH (4096) and the error-detail cut. */
const hugeString = fc
  .tuple(fc.constantFrom(61, 4097, 20_000, 70_000, 300_000), fc.constantFrom('a', 'é', '💥', '"', '\\', '\ud800', ' ', '%'))
  .map(([n, c]) => c.repeat(n));

const interestingStrings = [
  '', ' ', 'work', 'home', 'other', 'True', 'False', 'true', 'false', 'FALSE', 'TRUE', ' true ', 'yes', 'null', 'undefined', '0',
  '1', '-1', '1e3', 'NaN', 'Admin', 'User', 'admin', 'SalesOS', 'MarketingOS', 'Copilot', 'monthly', 'never', 'weekly', 'Group',
  '{{user0}}', '{{user1}}', '{{user2}}', '{{group0}}', '{{group1}}', '{{missing}}', '{{admin}}', '{{userName0}}', '{{userName1}}',
  'admin@example.com', 'ADMIN@EXAMPLE.COM', 'ada@example.com', '2024-01-01T00:00:00Z', '2024-13-45', 'not-a-date', 'tel:+1-555-0100',
  'http://localhost/scim/v2/Users/1', '__proto__', 'constructor', 'prototype', 'polluted', '\u0000', '\ud800', '\udfff', '💥',
  'Ünïcödé', 'ﬀ', '\u202e', 'a"b', 'a\\b', '%00', '%zz', '<script>alert(1)</script>', "' OR 1=1 --", '../../etc/passwd', '\r\n',
  'W/"1"', '*',
];

// Huge strings are rare here (a body holds many strings); attributeValue and filterText add more.
export const scimString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...interestingStrings), weight: 30 },
  { arbitrary: fc.string({ maxLength: 24 }), weight: 10 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 16 }), weight: 10 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 5 },
  { arbitrary: fc.emailAddress(), weight: 5 },
  { arbitrary: fc.constantFrom(...URNS), weight: 5 },
  { arbitrary: hugeString, weight: 1 },
);

const numbers: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, 1.5, 2 ** 53, -(2 ** 53) - 2, 1e308, -1e308, 5e-324, 1000, 1001),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: scimString, weight: 5 },
  { arbitrary: numbers, weight: 2 },
  { arbitrary: fc.boolean(), weight: 2 },
  { arbitrary: fc.constant(null), weight: 2 },
);

/** An object key: an attribute path (dotted, URN-qualified, hostile) or any string. */
export const anyKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: anyCase([...USER_ATTRIBUTES, ...GROUP_ATTRIBUTES, ...ENTERPRISE_ATTRIBUTES, ...ZOOMINFO_ATTRIBUTES, ...SUB_ATTRIBUTES]), weight: 12 },
  { arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS, ...HOSTILE_PATHS), weight: 1 },
  { arbitrary: fc.constantFrom(...URNS), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom(URN.enterprise, URN.zoominfo, URN.user, 'urn:scim:schemas:extension:enterprise:2.0'), anyCase([...ENTERPRISE_ATTRIBUTES, ...ZOOMINFO_ATTRIBUTES, 'userName', 'active'])).map(([u, a]) => `${u}:${a}`), weight: 2 },
  { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
);

/** Own properties only: `Object.fromEntries` defines `__proto__` as a plain key, as JSON.parse does. */
const objectOf = (entries: fc.Arbitrary<[string, unknown][]>) => entries.map((e) => Object.fromEntries(e) as Record<string, unknown>);

/**
 * Objects that break String(), template literals and `+ ''`: their own toString / valueOf are not
 * functions (JSON.parse makes such objects from ordinary text). One was a 500 (regressions.test.ts).
 */
const unprintable = fc.constantFrom<unknown>({ toString: true }, { toString: 1, valueOf: 1 }, [{ toString: null }], { valueOf: {} }, { toJSON: 1, toString: 'x' });

/** Any JSON value, SCIM-flavoured keys and strings, a few levels deep. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ maxDepth: 3, depthIdentifier: 'json' }, { arbitrary: scalar, weight: 8 }, { arbitrary: tie('array'), weight: 2 }, { arbitrary: tie('object'), weight: 2 }, { arbitrary: unprintable, weight: 1 }),
  array: fc.array(tie('value'), { maxLength: 4, depthIdentifier: 'json' }),
  object: objectOf(fc.array(fc.tuple(anyKey, tie('value')), { maxLength: 5, depthIdentifier: 'json' })),
})).value;

/** A value wrapped in 1..100 arrays or objects (MAX_VALUE_DEPTH is 64). */
const deeplyNested: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 1, max: 100 }), fc.constantFrom('array', 'object', 'name', '__proto__', 'mixed'), scalar)
  .map(([depth, shape, leaf]) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) {
      if (shape === 'array' || (shape === 'mixed' && i % 2 === 0)) value = [value];
      else value = Object.fromEntries([[shape === '__proto__' ? '__proto__' : shape === 'name' ? 'givenName' : 'a', value]]);
    }
    return value;
  });

/** Values that an attribute could plausibly hold, and the IdP shapes of PRODUCT.md §4. */
const realisticValues: unknown[] = [
  'Ada', true, false, 'True', 'False', 'false', 'true', null, [], {}, '',
  { givenName: 'Ada', familyName: 'Lovelace' },
  { givenName: null },
  { GIVENNAME: 'Ada', 'familyName': 7 },
  [{ value: 'ada@example.com', type: 'work', primary: true }],
  [{ value: 'ada@example.com', type: 'work', primary: true }, { value: 'a@home.example', type: 'home', primary: true }],
  [{ value: 'tel:+1-555-0100', type: 'work' }],
  { value: 'x@example.com', type: 'work' },
  [{ value: '{{user0}}' }],
  [{ value: '{{user1}}', display: 'One', $ref: null }],
  [{ value: '{{group0}}', type: 'Group' }],
  [{ value: '{{missing}}' }],
  [{ value: '{{admin}}' }],
  [{ $ref: null, value: '{{user0}}' }, { value: '{{user1}}' }],
  [{ value: '{{group1}}' }],
  [{ display: 'no value' }],
  [{ value: '' }],
  [{ value: 7 }],
  [{ value: '{{user0}}', operation: 'delete' }],
  '{{user1}}',
  { value: '{{user1}}' },
  { value: '', displayName: ' ' },
  { value: '{{user1}}', displayName: 'Boss', $ref: 'http://x/Users/1' },
  ['SalesOS', 'MarketingOS'],
  ['SalesOS', 'NotALicense'],
  'SalesOS',
  { allocation: 10, resetPeriod: 'monthly' },
  { allocation: '10', resetPeriod: 'hourly' },
  { allocation: 1.5 },
  'Admin',
  'Superuser',
  { active: false },
  { active: 'False' },
  { active: 'True', displayName: 'Renamed' },
  { id: 'new-id', displayName: 'Renamed Group' },
  { 'name.givenName': 'Grace', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': '7' },
  { [URN.enterprise]: { manager: '{{user1}}', department: 'R&D' } },
  { [URN.zoominfo]: { role: 'Admin', licenses: ['Copilot'] } },
  { 'emails[type eq "work"].value': 'w@example.com' },
  { meta: { version: 'W/"99"' }, schemas: ['urn:foo'] },
  { groups: [{ value: '{{group0}}' }] },
  { password: 'S3cret!' },
  'S3cret!',
];

/** Values that try to reach a prototype through their keys. */
const hostileValues: unknown[] = [
  Object.fromEntries([['__proto__', { polluted: 'yes' }]]),
  { constructor: { prototype: { polluted: 'yes' } } },
  { 'constructor.prototype.polluted': 'yes' },
  { '__proto__.polluted': 'yes' },
  [Object.fromEntries([['__proto__', { polluted: 'yes' }]])],
  { name: Object.fromEntries([['__proto__', { polluted: 'yes' }]]) },
];

export const attributeValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...realisticValues), weight: 15 },
  { arbitrary: jsonValue, weight: 12 },
  { arbitrary: fc.constantFrom(...hostileValues), weight: 1 },
  { arbitrary: deeplyNested, weight: 1 },
  { arbitrary: hugeString, weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Attribute paths and filters

const resourceAttributes = anyCase([...USER_ATTRIBUTES, ...GROUP_ATTRIBUTES]);

/** attrPath (RFC 7644 §3.10): plain, dotted, URN-qualified (also legacy and bogus URNs), hostile. */
export const attrPath: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: resourceAttributes, weight: 6 },
  { arbitrary: fc.tuple(fc.constantFrom(URN.enterprise, 'urn:scim:schemas:extension:enterprise:2.0', URN.enterprise.toUpperCase()), anyCase(ENTERPRISE_ATTRIBUTES)).map(([u, a]) => `${u}:${a}`), weight: 2 },
  { arbitrary: fc.tuple(fc.constantFrom(URN.zoominfo), anyCase(ZOOMINFO_ATTRIBUTES)).map(([u, a]) => `${u}:${a}`), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom(URN.user, URN.group, 'urn:scim:schemas:core:2.0', 'urn:scim:schemas:core:2.0:User'), resourceAttributes).map(([u, a]) => `${u}:${a}`), weight: 1 },
  { arbitrary: anyCase(ENTERPRISE_ATTRIBUTES), weight: 1 },
  { arbitrary: fc.constantFrom(...HOSTILE_PATHS), weight: 2 },
  { arbitrary: fc.array(fc.constantFrom(...HOSTILE_SEGMENTS, 'name', 'emails', 'value'), { minLength: 1, maxLength: 4 }).map((s) => join(s, '.')), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom(...URNS), fc.constantFrom(...HOSTILE_SEGMENTS, 'userName', 'manager')).map(([u, s]) => `${u}:${s}`), weight: 1 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);

const subAttrPath = fc.oneof(
  { arbitrary: anyCase(SUB_ATTRIBUTES), weight: 6 },
  { arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS), weight: 1 },
  { arbitrary: attrPath, weight: 1 },
);

/** A JSON string literal, a number, a literal, a bare word, or broken quoting. */
const compValue: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: scimString.map((s) => JSON.stringify(s)), weight: 6 },
  { arbitrary: numbers.map(String), weight: 2 },
  { arbitrary: fc.constantFrom('true', 'false', 'null', 'True', 'FALSE', '"True"', '"false"', 'Null'), weight: 2 },
  { arbitrary: fc.constantFrom('"{{userName0}}"', '"{{user0}}"', '"{{user1}}"', '"{{group0}}"', 'jyoung', '{{user0}}', '"ext-0"', '"work"', '"WORK"'), weight: 2 },
  { arbitrary: fc.constantFrom('"abc', '"a\\"', '"\\u12"', '"\\x41"', '"\\ud800"', '"DOMAIN\\user"', '1e999', '-1e999', '007', '-0', '1.', '.5', '0x10', '-', '"', '""', "'single'", '[', ']', '(', ')'), weight: 2 },
  { arbitrary: fc.string({ maxLength: 8 }).filter((s) => s.trim() !== ''), weight: 1 },
);

const compareOp = fc.oneof(
  { arbitrary: fc.mixedCase(fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le')), weight: 8 },
  { arbitrary: fc.constantFrom('=', '==', 'like', 'in', 'pr', 'and', 'not', '', 'EQUALS'), weight: 1 },
);
const logicalOp = fc.oneof({ arbitrary: fc.mixedCase(fc.constantFrom('and', 'or')), weight: 8 }, { arbitrary: fc.constantFrom('&&', '||', 'xor', 'not', ''), weight: 1 });
const space = fc.oneof({ arbitrary: fc.constant(' '), weight: 8 }, { arbitrary: fc.constantFrom('  ', '\t', '\n', '+', ''), weight: 1 });

/** A filter expression over the given attribute names (RFC 7644 §3.4.2.2 plus IdP habits and junk). */
export function filterExpression(attribute: fc.Arbitrary<string>, maxDepth = 4): fc.Arbitrary<string> {
  return fc.letrec<{ filter: string; attrExp: string }>((tie) => ({
    attrExp: fc.oneof(
      { arbitrary: fc.tuple(attribute, space, compareOp, space, compValue).map((p) => p.join('')), weight: 8 },
      { arbitrary: fc.tuple(attribute, space, fc.mixedCase(fc.constant('pr'))).map((p) => p.join('')), weight: 2 },
    ),
    filter: fc.oneof(
      { maxDepth, depthIdentifier: 'filter' },
      { arbitrary: tie('attrExp'), weight: 6 },
      { arbitrary: fc.tuple(tie('filter'), space, logicalOp, space, tie('filter')).map((p) => p.join('')), weight: 3 },
      { arbitrary: fc.tuple(fc.mixedCase(fc.constant('not')), space, tie('filter')).map(([n, s, f]) => `${n}${s}(${f})`), weight: 1 },
      { arbitrary: fc.tuple(fc.mixedCase(fc.constant('not')), tie('filter')).map(([n, f]) => `${n} ${f}`), weight: 1 },
      { arbitrary: tie('filter').map((f) => `(${f})`), weight: 1 },
      {
        // Value paths: emails[type eq "work"], emails[type eq "work"].value eq "x", nested ones (refused).
        arbitrary: fc
          .tuple(fc.oneof(anyCase(MULTI_VALUED), attrPath), tie('filter'), fc.option(fc.tuple(subAttrPath, space, compareOp, space, compValue), { freq: 2 }))
          .map(([a, f, rest]) => `${a}[${f}]${rest ? `.${rest.join('')}` : ''}`),
        weight: 2,
      },
    ),
  })).filter;
}

const filterAttribute = fc.oneof({ arbitrary: attrPath, weight: 4 }, { arbitrary: subAttrPath, weight: 1 });

const junkFilter = fc
  .array(fc.constantFrom('(', ')', '[', ']', '"', 'and', 'or', 'not', 'eq', 'pr', 'userName', 'emails', '.value', '"x"', '1', ' ', '+', '\\', '.', 'gt', 'urn:', '__proto__'), { maxLength: 30 })
  .map((t) => t.join(' '));

const deepFilter = fc
  .tuple(fc.integer({ min: 1, max: 80 }), fc.constantFrom('(', 'not (', 'emails[', 'not '), filterExpression(filterAttribute, 1))
  .map(([n, open, inner]) => {
    const close = open === 'emails[' ? ']' : open === 'not ' ? '' : ')';
    return open.repeat(n) + inner + close.repeat(n);
  });

/** The whole filter parameter: mostly grammatical, sometimes junk, deep, random or huge. */
export const filterText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: filterExpression(filterAttribute), weight: 12 },
  { arbitrary: junkFilter, weight: 2 },
  { arbitrary: deepFilter, weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 1 },
  { arbitrary: fc.constantFrom('', ' ', 'userName eq', 'eq "x"', 'userName eq "{{userName0}}"', 'emails[type eq "work"].value eq "x"', 'manager eq "{{user1}}"', `${URN.enterprise}:manager.value eq "{{user1}}"`, 'externalId eq jyoung', 'userName+eq+"x"', 'members[value eq "{{user0}}"]', 'members.value eq "{{user0}}"', 'meta.lastModified gt "2020-01-01T00:00:00Z"', 'meta.version eq "W/\\"1\\""', 'groups.value eq "{{group0}}"', 'active eq "True"', 'addresses[primary EQ "True"]'), weight: 3 },
  { arbitrary: fc.tuple(fc.constantFrom('userName eq "', 'displayName co "'), hugeString).map(([a, b]) => `${a}${b}"`), weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Encoding

const HEX = Array.from({ length: 256 }, (_, b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`);

/** Percent-encodes UTF-8 bytes (lone surrogates become U+FFFD) except the ASCII characters `keep` accepts. */
export function percentEncode(text: string, keep: RegExp = /[A-Za-z0-9\-_.!~*'()]/): string {
  const kept = new Array<boolean>(128);
  for (let b = 0x21; b < 0x7f; b++) kept[b] = keep.test(String.fromCharCode(b));
  const parts: string[] = [];
  for (const b of Buffer.from(text, 'utf8')) parts.push(b < 0x7f && kept[b] ? String.fromCharCode(b) : HEX[b]!);
  return parts.join('');
}

/** How a client puts a value in a query string: strictly encoded, `+` for spaces (Entra), or nearly raw. */
type QueryEncoding = 'strict' | 'plus' | 'raw';
const queryEncoding = fc.constantFrom<QueryEncoding>('strict', 'strict', 'plus', 'raw');
export function encodeQueryValue(value: string, how: QueryEncoding): string {
  if (how === 'strict') return percentEncode(value);
  if (how === 'plus') return percentEncode(value, /[A-Za-z0-9\-_.!~*'()" ]/).replaceAll('%20', '+');
  // raw: only what an HTTP request line cannot carry is encoded (space, control, non-ASCII).
  return percentEncode(value, /[^\s]/);
}

// ---------------------------------------------------------------------------------------------
// Requests

const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { arbitrary: fc.constant('application/scim+json'), weight: 12 },
  { arbitrary: fc.constant('application/json'), weight: 4 },
  { arbitrary: fc.constant(null), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8', 'APPLICATION/SCIM+JSON', 'application/scim+json; charset="utf-8"', 'application/json;charset=utf-16',
      'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '*/*', '',
      ' ', ';', 'application/', 'application/scim+json+xml', 'application/jsonx', 'application/json, text/plain', 'Application/Json ; q=1',
      'application/scim+json; charset=latin1', 'json', '\u00e9',
    ),
    weight: 2,
  },
);

const rawJunkBody = fc.oneof(
  fc.constantFrom(
    '', ' ', '\n', '{', '}', '[', ']', 'null', '[]', '[{}]', '"x"', '1', '-0', 'true', '{}{}', '{"a":1}{', 'NaN', '{a:1}', "{'a':1}", '<xml/>',
    'userName=x&active=false', '\u0000', '\ufeff{}', '{"schemas":', '{"Operations":[{"op":"add","path":"__proto__.polluted","value":"yes"}]}',
    '{"__proto__":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}', '{"userName":"a","userName":"b"}',
    '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","value":{"__proto__":{"polluted":"yes"}}}]}',
    '{"userName":"\\ud800"}', '{"userName":"\\u0000"}', '{"a":1e999}', '{"a":-}', '[' .repeat(10_000), '{"a":'.repeat(5_000), '"\\',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Mostly the value as JSON; sometimes truncated, BOM-prefixed, with trailing junk, or not JSON at all. */
function bodyText(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: value.map((v) => JSON.stringify(v) ?? 'null'), weight: 30 },
    { arbitrary: fc.tuple(value, fc.nat()).map(([v, n]) => { const s = JSON.stringify(v) ?? ''; return s.slice(0, n % (s.length + 1)); }), weight: 1 },
    { arbitrary: fc.tuple(value, fc.constantFrom('\ufeff', ' \n', '\u0000')).map(([v, p]) => p + JSON.stringify(v)), weight: 1 },
    { arbitrary: fc.tuple(value, fc.constantFrom('x', '}', ',', '\u0000', ' // c')).map(([v, s]) => JSON.stringify(v) + s), weight: 1 },
    { arbitrary: rawJunkBody, weight: 2 },
  );
}

/** Adds entries to an object (extra fields), or leaves it alone. */
const withExtras = (base: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(base, sometimes(fc.array(fc.tuple(anyKey, attributeValue), { minLength: 1, maxLength: 2 }), 5, [] as [string, unknown][])).map(([obj, extra]) =>
    extra.length === 0 ? obj : (Object.fromEntries([...Object.entries(obj), ...extra]) as Record<string, unknown>),
  );

/** An object, or any other JSON value where an object belongs. */
const orAnything = <T>(arb: fc.Arbitrary<T>, weight = 10) => fc.oneof({ arbitrary: arb, weight }, { arbitrary: jsonValue, weight: 1 });

const schemasValue = (own: string[]) =>
  fc.oneof(
    { arbitrary: fc.constant(own), weight: 8 },
    { arbitrary: fc.array(fc.constantFrom(...URNS), { maxLength: 4 }), weight: 2 },
    { arbitrary: fc.array(fc.mixedCase(fc.constantFrom(...own)), { minLength: 1, maxLength: 2 }), weight: 1 },
    { arbitrary: jsonValue, weight: 1 },
  );

const userName = fc.oneof(
  { arbitrary: fc.tuple(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.constantFrom('@example.com', '@EXAMPLE.com', '')).map(([a, b]) => `fuzz.${a}${b}`), weight: 6 },
  { arbitrary: fc.constantFrom('{{userName0}}', '{{userName1}}', 'admin@example.com', 'Admin@Example.com', ' ', '', '   x   '), weight: 2 },
  { arbitrary: scimString, weight: 2 },
  { arbitrary: jsonValue, weight: 1 },
);

export const userResource: fc.Arbitrary<Record<string, unknown>> = withExtras(
  fc.record(
    {
      schemas: schemasValue([URN.user]),
      userName,
      name: orAnything(fc.record({ givenName: scimString, familyName: scimString, formatted: scimString }, { requiredKeys: [] }), 4),
      displayName: scimString,
      active: fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'false', 'yes', 1, 0, null, [])),
      emails: orAnything(fc.array(withExtras(fc.record({ value: scimString, type: fc.constantFrom('work', 'home', 'WORK', 'other', ''), primary: fc.oneof(fc.boolean(), fc.constantFrom('True', 'false', 1)) }, { requiredKeys: [] })), { maxLength: 3 }), 4),
      phoneNumbers: orAnything(fc.array(fc.record({ value: scimString, type: scimString }, { requiredKeys: [] }), { maxLength: 2 }), 3),
      externalId: orAnything(scimString, 3),
      password: orAnything(scimString, 3),
      groups: attributeValue,
      id: attributeValue,
      meta: attributeValue,
      roles: fc.constantFrom([], null, [{ value: 'x', primary: 'True' }]),
      [URN.enterprise]: orAnything(withExtras(fc.record({ employeeNumber: scimString, department: scimString, manager: orAnything(fc.constantFrom('{{user1}}', '{{user0}}', '{{missing}}', '', { value: '' }, { value: '{{user1}}', displayName: 'Boss' }, { value: '{{user1}}', displayName: ' ' }), 3) }, { requiredKeys: [] })), 4),
      [URN.zoominfo]: orAnything(withExtras(fc.record({ role: fc.constantFrom('User', 'Admin', 'User', 'Admin', 'admin', 'Owner', '', null), licenses: fc.oneof(fc.array(fc.constantFrom('SalesOS', 'MarketingOS', 'TalentOS', 'OperationsOS', 'Copilot', 'salesos', 'Nope'), { maxLength: 3 }), fc.constantFrom('SalesOS', null)), credits: orAnything(fc.record({ allocation: fc.oneof(fc.integer(), fc.constantFrom('10', 1.5, -1, 2 ** 60)), resetPeriod: fc.constantFrom('monthly', 'quarterly', 'annually', 'never', 'Monthly', 'weekly') }, { requiredKeys: [] }), 3) }, { requiredKeys: [] })), 4),
      'urn:scim:schemas:extension:enterprise:2.0': fc.record({ employeeNumber: scimString }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  ),
).map((r) => r as Record<string, unknown>);

export const groupResource: fc.Arbitrary<Record<string, unknown>> = withExtras(
  fc.record(
    {
      schemas: schemasValue([URN.group]),
      displayName: fc.oneof({ arbitrary: fc.stringMatching(/^Fuzz [a-z0-9]{1,8}$/), weight: 4 }, { arbitrary: fc.constantFrom('{{groupName0}}', 'FUZZ GROUP 0', '', ' '), weight: 1 }, { arbitrary: scimString, weight: 2 }, { arbitrary: jsonValue, weight: 1 }),
      externalId: scimString,
      members: orAnything(fc.array(fc.oneof({ arbitrary: fc.constantFrom({ value: '{{user0}}' }, { value: '{{user1}}', display: 'U1' }, { value: '{{group0}}', type: 'Group' }, { value: '{{missing}}' }, { value: '{{admin}}' }, { value: '{{user2}}', $ref: null }, { value: '{{user0}}', operation: 'delete' }), weight: 5 }, { arbitrary: jsonValue, weight: 1 }), { maxLength: 4 }), 4),
      id: attributeValue,
      meta: attributeValue,
    },
    { requiredKeys: [] },
  ),
).map((r) => r as Record<string, unknown>);

const poolMember = fc.constantFrom('{{user0}}', '{{user1}}', '{{user2}}', '{{group1}}', '{{group0}}', '{{missing}}');

/** Bodies that pass validation (with IdP habits: string booleans, legacy URNs, bare manager ids). */
const validishUser: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      schemas: fc.constantFrom([URN.user], [URN.user, URN.enterprise, URN.zoominfo], ['urn:scim:schemas:core:2.0'], [URN.user, 'urn:scim:schemas:extension:enterprise:2.0']),
      userName: fc.oneof({ arbitrary: fc.stringMatching(/^fuzz\.[a-z0-9]{1,8}@example\.com$/), weight: 8 }, { arbitrary: fc.constantFrom('{{userName0}}', '{{userName2}}', 'ADMIN@example.com'), weight: 1 }),
      name: fc.record({ givenName: fc.constantFrom('Ada', 'Grace', 'Zoë'), familyName: fc.constantFrom('Lovelace', 'Hopper', 'Ünïcödé') }, { requiredKeys: [] }),
      displayName: fc.constantFrom('Ada L', 'G. Hopper', '💥'),
      active: fc.constantFrom(true, false, 'True', 'False', 'false'),
      emails: fc.constantFrom([{ value: 'a@example.com', type: 'work', primary: true }], [{ value: 'a@example.com', type: 'work', primary: 'True' }, { value: 'b@example.com', type: 'home', primary: true }], []),
      externalId: fc.constantFrom('ext-1', 'ext-0', ''),
      password: fc.constantFrom('S3cret!', 'pässwörd'),
      [URN.enterprise]: fc.record({ employeeNumber: fc.constantFrom('7', '0042'), manager: fc.constantFrom('{{user1}}', { value: '{{user0}}' }, '', { value: '', displayName: ' ' }, { value: '{{missing}}' }) }, { requiredKeys: [] }),
      [URN.zoominfo]: fc.record({ role: fc.constantFrom('User', 'Admin'), licenses: fc.subarray(['SalesOS', 'MarketingOS', 'TalentOS', 'OperationsOS', 'Copilot']), credits: fc.record({ allocation: fc.integer({ min: 0, max: 10_000 }), resetPeriod: fc.constantFrom('monthly', 'quarterly', 'annually', 'never') }, { requiredKeys: [] }) }, { requiredKeys: [] }),
      roles: fc.constantFrom([], null),
      meta: fc.constantFrom({ resourceType: 'User' }, { version: 'W/"1"' }),
      id: fc.constant('client-chosen-id'),
    },
    { requiredKeys: ['userName'] },
  )
  .map((r) => r as Record<string, unknown>);

const validishGroup: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      schemas: fc.constantFrom([URN.group], [URN.group, URN.microsoftGroup], ['urn:scim:schemas:core:2.0:Group']),
      displayName: fc.oneof({ arbitrary: fc.stringMatching(/^Fuzz [a-z0-9]{1,8}$/), weight: 8 }, { arbitrary: fc.constantFrom('{{groupName0}}', '{{groupName1}}'), weight: 1 }),
      externalId: fc.constantFrom('g-ext-1', ''),
      members: fc.array(fc.oneof(poolMember.map((value) => ({ value })), poolMember.map((value) => ({ value, $ref: null, display: 'X', type: 'User' }))), { maxLength: 3 }),
      meta: fc.constantFrom({ resourceType: 'Group' }),
    },
    { requiredKeys: ['displayName'] },
  )
  .map((r) => r as Record<string, unknown>);

// --- PATCH

const opName = fc.oneof(
  { arbitrary: fc.mixedCase(fc.constantFrom('add', 'remove', 'replace')), weight: 12 },
  { arbitrary: fc.constantFrom('delete', 'move', 'copy', 'test', 'update', '', ' add', 'add ', 'ADD', 'Remove'), weight: 2 },
  { arbitrary: jsonValue, weight: 1 },
);

/** PATCH paths: attrPath, valuePath with sub-attribute filters, URN-qualified, the IdP ones, hostile ones. */
export const patchPath: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: attrPath, weight: 8 },
  {
    arbitrary: fc
      .tuple(
        fc.oneof(anyCase([...MULTI_VALUED, 'manager', 'name', 'userName']), fc.constantFrom(`${URN.enterprise}:manager`, `${URN.zoominfo}:licenses`, `${URN.zoominfo}:credits`)),
        filterExpression(subAttrPath, 2),
        fc.option(fc.oneof(anyCase(SUB_ATTRIBUTES), fc.constantFrom(...HOSTILE_SEGMENTS)), { freq: 2 }),
      )
      .map(([a, f, sub]) => `${a}[${f}]${sub === null ? '' : `.${sub}`}`),
    weight: 6,
  },
  {
    arbitrary: fc.constantFrom(
      'members[value eq "{{user0}}"]', 'members[value eq "{{missing}}"]', 'members[value eq "{{group0}}"]', 'members[display co "U"]',
      'members[value eq "{{user0}}" or value eq "{{user1}}"]', 'members[type eq "Group"]', 'members[not (value pr)]',
      'emails[type eq "work"].value', 'emails[type eq "work"].primary', 'phoneNumbers[type eq "work"].value', 'addresses[type eq "work"].streetAddress',
      'emails[value co "@"]', 'emails[type eq "work" and value co "@"]', 'emails[primary eq true]', 'emails[primary eq "True"].type',
      `${URN.enterprise}:manager`, 'manager[value eq "{{user1}}"]', `${URN.enterprise}:manager[value eq "{{user1}}"]`,
      'urn:scim:schemas:extension:enterprise:2.0:manager', 'urn:scim:schemas:extension:enterprise:2.0:User:department',
      `${URN.zoominfo}:role`, `${URN.zoominfo}:credits.allocation`, `${URN.zoominfo}`, `${URN.enterprise}`, 'name.givenName', 'active',
      'groups', 'id', 'meta.version', 'password', 'schemas', 'emails[type eq "tel:+1-555"].value', 'phoneNumbers[value eq "tel:+1-555-0100"]',
    ),
    weight: 4,
  },
  { arbitrary: fc.tuple(fc.constantFrom(URN.user, 'urn:scim:schemas:core:2.0:User', 'urn:scim:schemas:core:2.0'), fc.constantFrom('emails[type eq "work"].value', 'name.givenName', 'userName', 'members')).map(([u, p]) => `${u}:${p}`), weight: 1 },
);

/** Any operation: every field may be missing, mistyped or hostile. */
const wildOperation = withExtras(
  fc.record(
    {
      op: opName,
      path: fc.oneof({ arbitrary: patchPath, weight: 10 }, { arbitrary: fc.constantFrom('', null, ' '), weight: 1 }, { arbitrary: jsonValue, weight: 1 }),
      value: attributeValue,
    },
    { requiredKeys: [] },
  ),
);

const smallString = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .-]{0,11}$/), weight: 4 },
  { arbitrary: fc.constantFrom('Ada', 'Grace', 'Ünïcödé', '💥', 'True', 'False', ''), weight: 1 },
);
const stringBoolean = fc.oneof({ arbitrary: fc.boolean(), weight: 3 }, { arbitrary: fc.constantFrom('True', 'False', 'true', 'false', 'TRUE'), weight: 1 });

/** A path and a value of the type the schema wants there: these get past validation and change things. */
const typedUserTarget: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(anyCase(['displayName', 'nickName', 'title', 'userType', 'locale', 'timezone', 'preferredLanguage', 'externalId', 'name.givenName', 'name.familyName', 'name.formatted', 'profileUrl']), smallString),
  fc.tuple(fc.constantFrom('userName', 'USERNAME'), fc.oneof(fc.stringMatching(/^fuzz\.[a-z0-9]{1,8}@example\.com$/), fc.constantFrom('{{userName1}}', 'admin@example.com', ''))),
  fc.tuple(fc.mixedCase(fc.constant('active')), stringBoolean),
  fc.tuple(fc.constant('name'), fc.record({ givenName: smallString, familyName: fc.oneof(smallString, fc.constant(null)) }, { requiredKeys: [] })),
  fc.tuple(fc.constantFrom('emails', 'phoneNumbers'), fc.array(fc.record({ value: smallString, type: fc.constantFrom('work', 'home', 'other'), primary: stringBoolean }, { requiredKeys: ['value'] }), { maxLength: 3 })),
  fc.tuple(fc.constantFrom('emails[type eq "work"].value', 'emails[type eq "home"].value', 'phoneNumbers[type eq "work"].value', 'emails[type eq "work"].primary', 'addresses[type eq "work"].streetAddress', 'emails[value co "@"].type', 'emails[type eq "other" and primary eq true].value'), fc.oneof(smallString, stringBoolean)),
  fc.tuple(fc.constantFrom('emails[type eq "work"]', 'emails[primary eq true]', 'addresses[type eq "work"]'), fc.record({ value: smallString, type: fc.constantFrom('work', 'home'), primary: stringBoolean }, { requiredKeys: [] })),
  fc.tuple(fc.constantFrom(`${URN.enterprise}:employeeNumber`, `${URN.enterprise}:department`, `${URN.enterprise}:costCenter`, 'urn:scim:schemas:extension:enterprise:2.0:User:division', `${URN.enterprise.toUpperCase()}:ORGANIZATION`), smallString),
  fc.tuple(fc.constantFrom(`${URN.enterprise}:manager`, 'manager'), fc.oneof(poolMember, fc.constant(''), poolMember.map((value) => ({ value })), fc.constant({ value: '', displayName: ' ' }))),
  fc.tuple(fc.constantFrom('manager[value eq "{{user1}}"]', `${URN.enterprise}:manager[value eq "{{user0}}"]`), fc.constant(undefined)),
  fc.tuple(fc.constant(`${URN.zoominfo}:role`), fc.constantFrom('User', 'Admin', 'admin', 'Owner')),
  fc.tuple(fc.constant(`${URN.zoominfo}:licenses`), fc.array(fc.constantFrom('SalesOS', 'MarketingOS', 'TalentOS', 'OperationsOS', 'Copilot', 'Nope'), { maxLength: 3 })),
  fc.tuple(fc.constantFrom(`${URN.zoominfo}:credits`, `${URN.zoominfo}:credits.allocation`, `${URN.zoominfo}:credits.resetPeriod`), fc.oneof(fc.record({ allocation: fc.integer({ min: -5, max: 1000 }), resetPeriod: fc.constantFrom('monthly', 'quarterly', 'annually', 'never', 'weekly') }, { requiredKeys: [] }), fc.integer({ min: -5, max: 1000 }), fc.constantFrom('monthly', 'never', 'hourly'))),
  fc.tuple(fc.constantFrom('password'), smallString),
  fc.tuple(fc.constantFrom(URN.enterprise, URN.zoominfo), fc.oneof(fc.constant(null), fc.record({ department: smallString, role: fc.constantFrom('User', 'Admin') }, { requiredKeys: [] }))),
  fc.tuple(fc.constantFrom('roles', 'entitlements', 'ims', 'photos', 'x509Certificates'), fc.array(fc.record({ value: smallString, primary: stringBoolean }, { requiredKeys: ['value'] }), { maxLength: 2 })),
);

/**
 * Member value filters as conformance suites send them in PATCH remove paths: `$ref`, quotes and
 * backslashes in the compared value, `not`, and/or. Such a filter once reached a text round trip
 * (stringify, then parse) and answered 500.
 */
const memberComparison: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('value', 'display', '$ref', 'type', 'VALUE', '$REF'),
      fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'le'),
      fc.oneof(poolMember, fc.constantFrom('x', '\\', '"', 'a\\', '\\"', 'U', 'Group', 'http://h/Users/{{user0}}', ''), fc.string({ maxLength: 6 })),
    )
    .map(([attr, op, value]) => `${attr} ${op} ${JSON.stringify(value)}`),
  fc.constantFrom('value pr', '$ref pr', 'display pr'),
);
const memberValueFilter: fc.Arbitrary<string> = fc
  .tuple(memberComparison, fc.option(fc.tuple(fc.constantFrom('and', 'or'), memberComparison)), fc.boolean())
  .map(([a, rest, negate]) => {
    const inner = rest ? `${a} ${rest[0]} ${rest[1]}` : a;
    return `members[${negate ? `not (${inner})` : inner}]`;
  });

const typedGroupTarget: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constantFrom('displayName', 'DisplayName'), fc.oneof(fc.stringMatching(/^Fuzz [a-z0-9]{1,8}$/), fc.constantFrom('{{groupName1}}', '', ' '))),
  fc.tuple(fc.constantFrom('externalId'), smallString),
  fc.tuple(fc.constantFrom('members', 'Members'), fc.array(fc.oneof(poolMember.map((value) => ({ value })), poolMember.map((value) => ({ value, $ref: null, display: 'X' }))), { maxLength: 3 })),
  fc.tuple(fc.constantFrom('members[value eq "{{user0}}"]', 'members[value eq "{{user1}}"]', 'members[value eq "{{missing}}"]', 'members[value eq "{{group0}}"]', 'members[type eq "User"]', 'members[display co "x"]', 'members[not (value eq "{{user0}}")]', 'members[value sw "0"]'), fc.constant(undefined)),
  fc.tuple(memberValueFilter, fc.constant(undefined)),
);

/** A well-typed operation for the resource; add/replace/remove in any case, remove without value. */
const typedOperation = (targets: fc.Arbitrary<[string, unknown]>) =>
  fc.tuple(fc.oneof({ arbitrary: fc.constantFrom('add', 'replace', 'remove'), weight: 4 }, { arbitrary: fc.constantFrom('Add', 'Replace', 'Remove', 'REPLACE'), weight: 1 }), targets, fc.nat(9)).map(([op, [path, value], style]) => {
    if (op.toLowerCase() === 'remove' || value === undefined) return style < 7 || value === undefined ? { op, path } : { op, path, value };
    // Okta's no-path form: {"op":"replace","value":{"path": value}}.
    if (style === 0 && !path.includes('[')) return { op, value: Object.fromEntries([[path, value]]) };
    return { op, path, value };
  });

/** Operations for a user or a group: mostly well-typed, with wild ones mixed in (all-or-nothing). */
const operationsFor = (resource: 'user' | 'group') =>
  fc.array(
    fc.oneof(
      { arbitrary: typedOperation(resource === 'user' ? typedUserTarget : typedGroupTarget), weight: 6 },
      { arbitrary: typedOperation(resource === 'user' ? typedGroupTarget : typedUserTarget), weight: 1 },
      { arbitrary: wildOperation, weight: 3 },
      { arbitrary: jsonValue, weight: 1 },
    ),
    { minLength: 0, maxLength: 5 },
  );

/** The PatchOp envelope: usually right, sometimes without or with wrong schemas / Operations. */
export const patchBodyFor = (resource: 'user' | 'group'): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: operationsFor(resource).map((Operations) => ({ schemas: [URN.patchOp], Operations })), weight: 14 },
    {
      arbitrary: withExtras(
        fc
          .record(
            {
              schemas: schemasValue([URN.patchOp]),
              Operations: orAnything(operationsFor(resource), 8),
              operationsKey: fc.constantFrom('Operations', 'Operations', 'operations', 'OPERATIONS', 'Operation'),
            },
            { requiredKeys: ['operationsKey'] },
          )
          .map(({ operationsKey, Operations, ...rest }) => (Operations === undefined ? rest : { ...rest, [operationsKey]: Operations })),
      ),
      weight: 3,
    },
    { arbitrary: jsonValue, weight: 1 },
  );

export const patchBody: fc.Arbitrary<unknown> = fc.oneof(patchBodyFor('user'), patchBodyFor('group'));

// --- the five kinds

const withMarker = (kind: FuzzKind) => (r: Omit<FuzzRequest, 'kind'>): FuzzRequest => described({ kind, ...r });

/** fast-check prints counterexamples with this, so a failure reads as an HTTP request. */
export function described(r: FuzzRequest): FuzzRequest {
  Object.defineProperty(r, fc.toStringMethod, { value: () => formatRequest(r), enumerable: false });
  return r;
}

export function formatRequest(r: FuzzRequest, max = 2000): string {
  const path = r.path.length > max ? `${r.path.slice(0, max)}... (${r.path.length} chars)` : r.path;
  const lines = [`[${r.kind}] ${r.method} /scim/v2${path}`];
  for (const [name, value] of Object.entries(r.headers)) lines.push(`${name}: ${value === null ? '(omitted)' : JSON.stringify(value).slice(0, 300)}`);
  if (r.body !== undefined) lines.push('', r.body.length > max ? `${r.body.slice(0, max)}... (${r.body.length} chars)` : r.body);
  return lines.join('\n');
}

const USER_TARGETS = ['/Users/{{user0}}', '/Users/{{user1}}', '/Users/{{user2}}'];
const GROUP_TARGETS = ['/Groups/{{group0}}', '/Groups/{{group1}}'];
const ODD_TARGETS = ['/Users/{{missing}}', '/Users/{{admin}}', '/Groups/{{user0}}', '/Users/{{group0}}', '/Groups/{{missing}}', '/Users', '/Users/', '/USERS/{{user0}}', '/users/{{user1}}/', '/Users/{{user0}}/x', '/Users/%zz', '/Users/%00', '/Users/..%2F{{user0}}', '/Users//{{user0}}', '/Users/{{user0}}%20',
  `/Users/${'a'.repeat(101)}`, `/Groups/{{group0}}${'0'.repeat(80)}`, `/Schemas/${URN.enterprise}${':x'.repeat(30)}`, '/Users/%E0%A4%A', '/Users/%C3%28'];

const target = (main: string[], weight = 8) => fc.oneof({ arbitrary: fc.constantFrom(...main), weight }, { arbitrary: fc.constantFrom(...ODD_TARGETS), weight: 1 });

const ifMatchValue = fc.oneof(
  fc.constantFrom('*', 'W/"1"', '"1"', 'W/"2"', '{{etagUser0}}', '{{etagGroup0}}', 'W/', '""', ',', ', ,', 'W/"1", W/"2"', 'junk', 'W/"-1"', 'W/"1e3"', '*, *', ' ', 'w/"1"', 'W/"999999999999999999999"', '"', 'W/"\\""'),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

/** Filters on GET /Users and /Groups (strict, `+` and near-raw encodings) and in SearchRequest bodies. */
const integerParam = fc.oneof(
  fc.constantFrom('-1', '0', '1', '2', '1000', '1001', '999999999999999999999', '9007199254740993', '1e3', '0x10', '1.5', 'abc', '', ' ', ' 5 ', 'NaN', 'Infinity', '-0', '+5', '٣', '１', '5abc', '--1', '-9007199254740992'),
  fc.integer().map(String),
);

/** SearchRequest members (RFC 7644 §3.4.3) other than the filter: numbers as strings, lists as strings, junk. */
const searchParams = fc.record(
  {
    startIndex: fc.oneof(fc.integer({ min: -5, max: 50 }), integerParam, jsonValue),
    count: fc.oneof(fc.integer({ min: -5, max: 2000 }), integerParam, jsonValue),
    sortBy: fc.oneof(attrPath, jsonValue),
    sortOrder: fc.oneof(fc.mixedCase(fc.constantFrom('ascending', 'descending')), jsonValue),
    attributes: fc.oneof(fc.array(attrPath, { maxLength: 3 }), attrPath, jsonValue),
    excludedAttributes: fc.oneof(fc.array(attrPath, { maxLength: 3 }), fc.constant('members'), jsonValue),
    Filter: filterText,
  },
  { requiredKeys: [] },
);

/** Filters on GET /Users and /Groups (strict, `+` and near-raw encodings) and in SearchRequest bodies. */
export const filterRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(fc.constantFrom('/Users', '/Groups'), filterText, queryEncoding, fc.constantFrom('get', 'get', 'get', 'search'), sometimes(fc.constantFrom('&count=1', '&startIndex=2', '&sortBy=userName', '&attributes=userName', '&excludedAttributes=members', '&'), 3), sometimes(jsonValue, 8), sometimes(searchParams, 3, {}))
  .map(([endpoint, filter, how, mode, extra, notAString, params]) => {
    if (mode === 'search') {
      const body = { schemas: [URN.search], filter: notAString ?? filter, ...params };
      return { method: 'POST', path: `${endpoint}/.search`, headers: {}, body: JSON.stringify(body) };
    }
    return { method: 'GET', path: `${endpoint}?filter=${encodeQueryValue(filter, how)}${extra ?? ''}`, headers: {} };
  })
  .map(withMarker('filter'));

/** PATCH bodies at users and groups (and a few wrong targets), with odd content types now and then. */
export const patchRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(target([...USER_TARGETS, ...GROUP_TARGETS]), sometimes(contentType, 6), sometimes(ifMatchValue, 8))
  .chain(([path, type, ifMatch]) => bodyText(patchBodyFor(/^\/Groups\//i.test(path) ? 'group' : 'user')).map((body) => [path, body, type, ifMatch] as const))
  .map(([path, body, type, ifMatch]) => ({
    method: 'PATCH',
    path,
    headers: { ...(type !== null && { 'content-type': type }), ...(ifMatch !== null && { 'if-match': ifMatch }) },
    body,
  }))
  .map(withMarker('patch'));

/** POST and PUT bodies, users and groups, sometimes at the other resource type's endpoint. */
export const bodyRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.oneof(
      fc.constant({ method: 'POST', path: '/Users', kind: 'user' }),
      fc.constant({ method: 'POST', path: '/Groups', kind: 'group' }),
      fc.constantFrom(...USER_TARGETS, '/Users/{{missing}}', '/Users/{{admin}}').map((path) => ({ method: 'PUT', path, kind: 'user' })),
      fc.constantFrom(...GROUP_TARGETS, '/Groups/{{missing}}').map((path) => ({ method: 'PUT', path, kind: 'group' })),
      fc.constantFrom('/Users/{{user0}}', '/Groups/{{group0}}', '/ServiceProviderConfig', '/Schemas', '/Bulk', '/Me', '/').map((path) => ({ method: 'POST', path, kind: 'user' })),
    ),
    fc.boolean(),
    fc.integer({ min: 0, max: 9 }),
    sometimes(contentType, 4),
    sometimes(ifMatchValue, 10),
  )
  .chain(([t, swap, junk, type, ifMatch]) =>
    bodyText(junk === 0 ? jsonValue : (t.kind === 'user') !== (swap && junk === 1) ? (junk > 5 ? validishUser : userResource) : junk > 5 ? validishGroup : groupResource).map((body) => ({
      method: t.method,
      path: t.path,
      headers: { ...(type !== null && { 'content-type': type }), ...(ifMatch !== null && { 'if-match': ifMatch }) },
      body,
    })),
  )
  .map(withMarker('body'));

const queryParam: fc.Arbitrary<[string, string]> = fc.oneof(
  { arbitrary: fc.tuple(fc.mixedCase(fc.constantFrom('startIndex', 'count')), integerParam), weight: 4 },
  { arbitrary: fc.tuple(fc.mixedCase(fc.constant('sortBy')), fc.oneof(attrPath, fc.constantFrom('', 'emails', 'emails.value', 'meta.lastModified', 'members'))), weight: 2 },
  { arbitrary: fc.tuple(fc.mixedCase(fc.constant('sortOrder')), fc.oneof(fc.mixedCase(fc.constantFrom('ascending', 'descending')), fc.constantFrom('', 'asc', 'desc', 'up', '1'))), weight: 2 },
  { arbitrary: fc.tuple(fc.mixedCase(fc.constantFrom('attributes', 'excludedAttributes')), fc.tuple(fc.array(fc.oneof(attrPath, fc.constantFrom(URN.enterprise, URN.zoominfo, 'members', 'groups', ' ', '')), { maxLength: 4 }), fc.constantFrom(',', ', ', ',,', ';')).map(([names, sep]) => names.join(sep))), weight: 3 },
  { arbitrary: fc.tuple(fc.constant('filter'), filterExpression(filterAttribute, 2)), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom('__proto__', 'constructor', 'constructor[prototype][polluted]', '__proto__[polluted]', '__proto__.polluted', 'polluted', 'hasOwnProperty', '', 'x', 'Count', 'COUNT', 'filter[]'), scimString.filter((s) => s.length < 1000)), weight: 1 },
);

const QUERY_ENDPOINTS = [
  '/Users', '/Groups', '/Users', '/Groups', '/Users/{{user0}}', '/Groups/{{group0}}', '/Users/{{user2}}', '/Groups/{{group1}}', '/ServiceProviderConfig', '/Schemas', '/ResourceTypes',
  '/ResourceTypes/User', `/Schemas/${URN.user}`, '/Schemas/urn:foo', '/ResourceTypes/__proto__', '/Schemas/constructor', '/Users/.search', '/Me', '/Bulk', '',
  '/', '/Users/{{missing}}', '/Users/{{admin}}', '/Users/__proto__', '/Groups/constructor', ...ODD_TARGETS,
];

/** Query strings: paging, sorting and projection parameters, duplicated, hostile, oddly separated. */
export const queryRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.constantFrom(...QUERY_ENDPOINTS),
    fc.array(fc.tuple(queryParam, queryEncoding), { maxLength: 5 }),
    fc.constantFrom('&', '&', '&', '&&', ';', '&amp;'),
    fc.constantFrom('', '', '', '?', '&', '#frag', '?&'),
    fc.constantFrom('GET', 'GET', 'GET', 'GET', 'HEAD'),
    sometimes(fc.constantFrom('W/"1"', '{{etagUser0}}', '*', 'junk'), 6),
  )
  .map(([endpoint, params, sep, tail, method, ifNoneMatch]) => {
    const query = params.map(([[name, value], how]) => `${encodeQueryValue(name, how)}=${encodeQueryValue(value, how)}`).join(sep);
    const url = `${endpoint}${query ? `?${query}` : ''}${tail}`;
    // Stay under the base: "/scim/v2&" is another path (Fastify's root 404), not a SCIM URL with a trailing "&".
    const path = /^([/?]|$)/.test(url) ? url : `/${url}`;
    const headers: Record<string, string | null> = ifNoneMatch === null ? {} : { 'if-none-match': ifNoneMatch };
    return { method, path, headers };
  })
  .map(withMarker('query'));

const authorization = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 10 },
  {
    arbitrary: fc.constantFrom(
      null, 'Bearer {{token}}', 'bearer {{token}}', 'BEARER {{token}}', 'Bearer  {{token}}', 'Bearer {{token}} ', ' Bearer {{token}}', 'Bearer', 'Bearer ',
      'Basic dXNlcjpwYXNz', 'Bearer wrong', 'Bearer {{token}}x', 'Token {{token}}', 'Bearer {{token}}, Bearer x', '{{token}}', '',
      `Bearer ${'a'.repeat(6000)}`, 'Bearer \u00e9', 'Bearer {{adminToken}}',
    ),
    weight: 3,
  },
  { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
);

const acceptValue = fc.oneof(
  fc.constantFrom(
    'application/json', 'application/scim+json', 'application/scim+json, application/json', '*/*', 'text/html', 'application/json;q=0',
    'APPLICATION/JSON', '', 'application/*', 'application/xml', 'application/json, */*;q=0.8', 'application/scim+json;q=0.1, application/json', 'junk',
  ),
  fc.string({ maxLength: 20 }),
);

const userAgent = fc.oneof(
  fc.constantFrom('Okta SCIM Client 1.0.0', 'Microsoft.Identity.Provisioning', 'Azure AD SCIM', 'OneLogin SCIM', 'curl/8.0', '', 'Mozilla/5.0', 'okta', 'OKTA', 'x'.repeat(5000)),
  fc.string({ maxLength: 20 }),
);

/** Writes and reads that would succeed with the right headers, sent with odd ones. */
const headerBase = fc.constantFrom(
  { method: 'GET', path: '/Users/{{user0}}' },
  { method: 'GET', path: '/Users?count=2' },
  { method: 'GET', path: '/Groups/{{group0}}?excludedAttributes=members' },
  { method: 'PATCH', path: '/Users/{{user0}}', body: { schemas: [URN.patchOp], Operations: [{ op: 'replace', path: 'displayName', value: 'Fuzzed' }] } },
  { method: 'PATCH', path: '/Users/{{user1}}', body: { schemas: [URN.patchOp], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] } },
  { method: 'PATCH', path: '/Groups/{{group0}}', body: { schemas: [URN.patchOp], Operations: [{ op: 'remove', path: 'members[value eq "{{user1}}"]' }] } },
  { method: 'PUT', path: '/Groups/{{group1}}', body: { schemas: [URN.group], displayName: '{{groupName1}}', members: [{ value: '{{user2}}' }] } },
  { method: 'PUT', path: '/Users/{{user2}}', body: { schemas: [URN.user], userName: '{{userName2}}', active: false } },
  { method: 'POST', path: '/Users', body: { schemas: [URN.user], userName: 'fuzz.header.user@example.com' } },
  { method: 'POST', path: '/Users/.search', body: { schemas: [URN.search], filter: 'userName sw "fuzz"', count: 1 } },
  { method: 'DELETE', path: '/Users/{{user2}}' },
  { method: 'DELETE', path: '/Groups/{{group1}}' },
  { method: 'GET', path: '/ServiceProviderConfig' },
);

/** Authorization, If-Match, If-None-Match, Accept, Content-Type, User-Agent, Host, methods: any of them odd. */
export const headerRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    headerBase,
    // One to four odd headers at a time, so that one refusal does not always hide the others.
    fc.array(
      fc.oneof(
        { arbitrary: fc.tuple(fc.constant('authorization'), authorization), weight: 3 },
        { arbitrary: fc.tuple(fc.constant('if-match'), ifMatchValue), weight: 2 },
        { arbitrary: fc.tuple(fc.constant('if-none-match'), ifMatchValue), weight: 2 },
        { arbitrary: fc.tuple(fc.constant('accept'), acceptValue), weight: 2 },
        { arbitrary: fc.tuple(fc.constant('content-type'), contentType), weight: 2 },
        { arbitrary: fc.tuple(fc.constant('user-agent'), userAgent), weight: 2 },
        { arbitrary: fc.tuple(fc.constant('host'), fc.constantFrom('evil.example', 'localhost:1', 'a_b', '[::1]:80', '', 'x'.repeat(300), 'localhost:99999', 'user@host', 'h\u00e9', '..', 'a b', 'a/b', 'a?b#c', '%41')), weight: 1 },
        { arbitrary: fc.tuple(fc.constant('x-http-method-override'), fc.constantFrom('DELETE', 'PUT', 'GET')), weight: 1 },
        { arbitrary: fc.tuple(fc.constantFrom('x-forwarded-proto', 'x-forwarded-host', 'forwarded'), fc.constantFrom('https', 'gopher', '', 'evil.example', 'for=1.2.3.4;host=evil')), weight: 1 },
        { arbitrary: fc.tuple(fc.constantFrom('accept-charset', 'content-encoding', 'accept-encoding', 'transfer-encoding-x'), fc.constantFrom('utf-16', 'iso-8859-1', '*', 'gzip', 'br', 'identity', 'junk', '')), weight: 1 },
        { arbitrary: fc.tuple(fc.constantFrom('content-language', 'x-request-id', 'cookie', 'prefer'), scimString.filter((v) => v.length < 100)), weight: 1 },
      ),
      { minLength: 1, maxLength: 4 },
    ),
    sometimes(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'SEARCH', 'QUERY'), 6),
  )
  .map(([base, headers, method]) => {
    const sent: Record<string, string | null> = {};
    for (const [name, value] of headers) if (value !== undefined) sent[name] = value;
    return { method: method ?? base.method, path: base.path, headers: sent, ...('body' in base && { body: JSON.stringify(base.body) }) };
  })
  .map(withMarker('headers'));

export const requestOfKind: Record<FuzzKind, fc.Arbitrary<FuzzRequest>> = {
  filter: filterRequest,
  patch: patchRequest,
  body: bodyRequest,
  query: queryRequest,
  headers: headerRequest,
};

/** Requests of the given kinds, equally likely. */
export const fuzzRequest = (kinds: readonly FuzzKind[] = FUZZ_KINDS): fc.Arbitrary<FuzzRequest> =>
  fc.oneof(...kinds.map((k) => requestOfKind[k]));
