import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../scim/schema/urns.js';

// OneLogin's older connectors use pre-RFC URNs; they mean the RFC schemas (PRODUCT.md §4).
const LEGACY = [
  { legacy: 'urn:scim:schemas:extension:enterprise:2.0', rfc: ENTERPRISE_USER_SCHEMA },
  { legacy: 'urn:scim:schemas:core:2.0', rfc: null },
] as const;

/** Rewrites a legacy URN prefix in a key, path, schemas entry or filter; core depends on the resource. */
export function replaceLegacyUrns(text: string, resource: 'User' | 'Group'): string {
  let out = text;
  for (const { legacy, rfc } of LEGACY) {
    const target = rfc ?? (resource === 'User' ? USER_SCHEMA : GROUP_SCHEMA);
    // Longest prefix first; ":User"/":Group" suffixes some connectors add are absorbed.
    out = out.replace(new RegExp(`${legacy.replaceAll('.', '\\.')}(?::(?:User|Group))?(?=$|[:\\s."\\]])`, 'gi'), target);
  }
  return out;
}

export const hasLegacyUrn = (text: string): boolean => /urn:scim:schemas:(core|extension:enterprise):2\.0/i.test(text);
