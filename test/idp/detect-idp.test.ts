import { describe, expect, it } from 'vitest';
import { detectIdp } from '../../src/idp/detect-idp.js';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from '../../src/scim/schema/urns.js';

// PRODUCT.md §3: the IdP is told from the User-Agent and, where none is sent, from the request's shape.

const MS_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const entraPatch = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
const entraGroup = { schemas: [GROUP_SCHEMA, MS_GROUP], displayName: 'G' };
const plainPatch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] };

describe('detectIdp from the User-Agent', () => {
  it.each([
    ['Okta SCIM Client 1.0.0', 'okta'],
    ['okta scim client 2.1', 'okta'],
    ['Okta-Provisioning/1.0', 'okta'],
    ['OneLogin SCIM', 'onelogin'],
    ['OneLogin-SCIM/2.0 (+https://www.onelogin.com)', 'onelogin'],
    ['onelogin', 'onelogin'],
  ] as const)('%s -> %s', (agent, idp) => {
    expect(detectIdp(agent, undefined)).toBe(idp);
  });

  it('lets a known agent win over the request shape', () => {
    expect(detectIdp('Okta SCIM Client 1.0.0', entraPatch)).toBe('okta');
    expect(detectIdp('OneLogin SCIM', entraGroup)).toBe('onelogin');
  });

  it('does not match an agent that only contains the letters', () => {
    expect(detectIdp('Loktar/1.0', undefined)).toBe('unknown');
    expect(detectIdp('notonelogin-client', undefined)).toBe('unknown');
  });

  it('is "unknown" for an agent it does not know, whatever the body looks like', () => {
    expect(detectIdp('curl/8.5.0', undefined)).toBe('unknown');
    expect(detectIdp('python-requests/2.31', entraPatch)).toBe('unknown');
    expect(detectIdp('zi-scim-replay', entraGroup)).toBe('unknown');
  });
});

describe('detectIdp from the request shape when no agent is sent (Entra)', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
  ] as const)('%s agent: capitalised op names are Entra', (_label, agent) => {
    expect(detectIdp(agent, entraPatch)).toBe('entra');
  });

  it('reads Microsoft\'s group schema URN, in any case, as Entra', () => {
    expect(detectIdp(undefined, entraGroup)).toBe('entra');
    expect(detectIdp(undefined, { schemas: [GROUP_SCHEMA, MS_GROUP.toLowerCase()], displayName: 'G' })).toBe('entra');
  });

  it('finds a capitalised op anywhere in the list', () => {
    const mixed = { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'nickName', value: 'n' }, { op: 'Remove', path: 'title' }] };
    expect(detectIdp(undefined, mixed)).toBe('entra');
  });

  it('is "unknown" for a plain RFC request without an agent', () => {
    expect(detectIdp(undefined, plainPatch)).toBe('unknown');
    expect(detectIdp(undefined, { schemas: [USER_SCHEMA], userName: 'a@example.com' })).toBe('unknown');
    expect(detectIdp(undefined, { schemas: [PATCH_OP], Operations: [] })).toBe('unknown');
    expect(detectIdp(undefined, undefined)).toBe('unknown');
  });

  it('is not thrown by bodies of any shape', () => {
    for (const body of [null, 'text', 42, [], { Operations: 'x' }, { Operations: [null, 1, { op: 3 }] }, { schemas: [null, 7] }]) {
      expect(detectIdp(undefined, body)).toBe('unknown');
    }
  });
});
