import type { ResourceTypeDef } from '../schema/resource-types.js';
import { resolveAttribute } from '../schema/attribute-path.js';
import type { Filter } from './parse-filter.js';

export interface EqualityHint {
  /** Canonical attribute name: one of `HINTABLE_ATTRIBUTES`. */
  attribute: string;
  /** The compValue as sent. Only `id` and `externalId` are caseExact; match the others ignoring case. */
  value: string;
}

/**
 * The indexed attributes a hint may name, most selective first: when a conjunction offers several,
 * the earliest wins. These are the lookups IdPs make before every create/update (RFC 7644 §3.4.2,
 * e.g. Entra's `userName eq "..."` / `externalId eq ...`, Okta's `userName eq`, group `displayName eq`).
 */
export const HINTABLE_ATTRIBUTES = ['id', 'userName', 'externalId', 'emails.value', 'displayName'] as const;

const rank = (h: EqualityHint) => HINTABLE_ATTRIBUTES.indexOf(h.attribute as (typeof HINTABLE_ATTRIBUTES)[number]);

/** The canonical name when `path` is a hintable attribute; `emails` alone compares `emails.value`. */
function hintable(rt: ResourceTypeDef, path: string): string | null {
  const resolved = resolveAttribute(rt, path);
  if (!resolved || resolved.inExtension) return null;
  const canonical = resolved.canonical === 'emails' ? 'emails.value' : resolved.canonical;
  return (HINTABLE_ATTRIBUTES as readonly string[]).includes(canonical) ? canonical : null;
}

function hintOf(rt: ResourceTypeDef, f: Filter): EqualityHint | null {
  if (f.op === 'eq') {
    if (typeof f.compValue !== 'string') return null;
    const attribute = hintable(rt, f.attrPath);
    return attribute ? { attribute, value: f.compValue } : null;
  }
  if (f.op === '[]') {
    // `emails[type eq "work" and value eq "x"]` (also what `emails[type eq "work"].value eq "x"`
    // becomes after parseFilter's rewrite): any match has some email equal to x.
    if (hintable(rt, f.attrPath) !== 'emails.value') return null;
    const conjuncts = f.valFilter.op === 'and' ? f.valFilter.filters : [f.valFilter];
    for (const c of conjuncts) {
      if (c.op === 'eq' && c.attrPath.toLowerCase() === 'value' && typeof c.compValue === 'string') {
        return { attribute: 'emails.value', value: c.compValue };
      }
    }
  }
  return null;
}

/**
 * A single indexed equality the storage layer can use to narrow candidates before the compiled
 * filter runs over them. The hint is only ever a superset of the matches: it is taken from the
 * filter itself or from a conjunct of a top-level `and` (nested `and`s included, since
 * `a and (b and c)` is still a conjunction); `or` and `not` at the top give null (no narrowing),
 * as does anything that does not resolve.
 */
export function equalityHint(rt: ResourceTypeDef, filter: Filter): EqualityHint | null {
  if (filter.op !== 'and') return hintOf(rt, filter);
  let best: EqualityHint | null = null;
  for (const conjunct of filter.filters) {
    const hint = equalityHint(rt, conjunct);
    if (hint && (!best || rank(hint) < rank(best))) best = hint;
  }
  return best;
}
