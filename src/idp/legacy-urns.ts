import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../scim/schema/urns.js';

// OneLogin's older connectors use pre-RFC URNs; they mean the RFC schemas (PRODUCT.md §4).
const LEGACY = [
  { legacy: 'urn:scim:schemas:extension:enterprise:2.0', rfc: ENTERPRISE_USER_SCHEMA },
  { legacy: 'urn:scim:schemas:core:2.0', rfc: null },
] as const;

/** A double-quoted JSON string (escapes included): a filter or value-path comparison value. */
const QUOTED = /("(?:[^"\\]|\\.)*")/;

/**
 * Rewrites a legacy URN prefix in a key, path, schemas entry or filter; core depends on the resource.
 * Only attribute paths are rewritten: a quoted comparison value (`externalId eq "urn:scim:..."`) is
 * data and must reach the filter as sent, or it would no longer match what is stored.
 */
export function replaceLegacyUrns(text: string, resource: 'User' | 'Group'): string {
  // split() with a capturing group puts the quoted strings at the odd indexes.
  return text
    .split(QUOTED)
    .map((part, i) => (i % 2 === 1 ? part : replaceOutsideQuotes(part, resource)))
    .join('');
}

function replaceOutsideQuotes(text: string, resource: 'User' | 'Group'): string {
  let out = text;
  for (const { legacy, rfc } of LEGACY) {
    const target = rfc ?? (resource === 'User' ? USER_SCHEMA : GROUP_SCHEMA);
    // Longest prefix first; ":User"/":Group" suffixes some connectors add are absorbed.
    out = out.replace(new RegExp(`${legacy.replaceAll('.', '\\.')}(?::(?:User|Group))?(?=$|[:\\s."\\]])`, 'gi'), target);
  }
  return out;
}

export const hasLegacyUrn = (text: string): boolean => /urn:scim:schemas:(core|extension:enterprise):2\.0/i.test(text);
