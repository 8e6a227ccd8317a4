import { describe, expect, it } from 'vitest';
import { dropUnknownInPatch, dropUnknownInResource } from '../../src/idp/unknown-attributes.js';
import { RewriteLog } from '../../src/idp/rewrites.js';
import { groupResourceType, userResourceType } from '../../src/scim/schema/resource-types.js';
import { ScimError } from '../../src/scim/errors.js';

// PRODUCT.md §8.3, one rule at a time: what is dropped, where the rewrite says it was, what stays.
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const dropped = (log: RewriteLog) => log.items.filter((r) => r.rule === 'unknown-attribute-dropped').map((r) => [r.at, r.from]);

describe('dropUnknownInResource', () => {
  it('drops unknown sub-attributes of multi-valued elements, naming the element', () => {
    const log = new RewriteLog();
    const body = dropUnknownInResource(userResourceType, { userName: 'a', emails: [{ value: 'a@x', kind: 'work' }] }, log, 'ignore');
    expect(body).toEqual({ userName: 'a', emails: [{ value: 'a@x' }] });
    expect(dropped(log)).toEqual([['emails[0].kind', 'emails.kind']]);
  });

  it('keeps what the core judges: schemas, id, meta, readOnly values, known URN-qualified keys', () => {
    const log = new RewriteLog();
    const sent = { schemas: ['x'], id: '1', meta: { odd: 1 }, groups: [{ any: 1 }], 'urn:ietf:params:scim:schemas:core:2.0:User:title': 'T', [ENTERPRISE]: { schemas: [ENTERPRISE] } };
    expect(dropUnknownInResource(userResourceType, sent, log, 'ignore')).toEqual(sent);
    expect(log.items).toEqual([]);
  });

  it('is per resource type: a user attribute on a group is unknown', () => {
    const log = new RewriteLog();
    expect(dropUnknownInResource(groupResourceType, { displayName: 'G', userName: 'u' }, log, 'ignore')).toEqual({ displayName: 'G' });
    expect(dropped(log)).toEqual([['userName', 'userName']]);
  });

  it('"reject" names each unknown attribute once, and ignores nulls', () => {
    const attempt = () => dropUnknownInResource(userResourceType, { userName: 'a', foo: 1, FOO: 2, bar: null }, new RewriteLog(), 'reject');
    expect(attempt).toThrow(ScimError);
    expect(attempt).toThrow(/"foo", "FOO"/);
    expect(() => dropUnknownInResource(userResourceType, { userName: 'a', bar: null }, new RewriteLog(), 'reject')).not.toThrow();
  });
});

describe('dropUnknownInPatch', () => {
  const ops = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

  it('leaves an unknown path to the core (invalidPath) and a remove alone', () => {
    const log = new RewriteLog();
    const body = ops({ op: 'replace', path: 'shoeSize', value: 1 }, { op: 'remove', path: 'title' });
    expect(dropUnknownInPatch(userResourceType, body, log, 'ignore')).toEqual(body);
    expect(log.items).toEqual([]);
  });

  it('cleans a value filter element and a dotted key by the sub-attributes they address', () => {
    const log = new RewriteLog();
    const body = dropUnknownInPatch(userResourceType, ops(
      { op: 'add', path: 'emails[type eq "work"]', value: { value: 'w@x', colour: 'red' } },
      { op: 'replace', value: { 'name.givenName': 'G', 'name.middle': 'M' } },
    ), log, 'ignore');
    expect(body).toMatchObject({ Operations: [{ value: { value: 'w@x' } }, { value: { 'name.givenName': 'G' } }] });
    expect(dropped(log)).toEqual([
      ['Operations[0].value.colour', 'emails.colour'],
      ['Operations[1].value.name.middle', 'name.middle'],
    ]);
  });
});
