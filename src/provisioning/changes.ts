/** One attribute a write changed, as `user.updated` and `group.updated` carry it (PRODUCT.md §8.2). */
export interface Change {
  path: string;
  from: unknown;
  to: unknown;
}

/** A multi-valued attribute over this many values is journaled as counts, not values. */
const MAX_VALUES = 20;
/** A write that changes more than this many attributes journals the first ones and says so. */
const MAX_CHANGES = 50;

export const REDACTED = '[redacted]';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isUrn = (key: string) => key.toLowerCase().startsWith('urn:');
const absent = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

/** Values as the journal shows them: long lists as their count (RFC 7643 §2.4 multi-valued attributes). */
const shown = (v: unknown): unknown => (absent(v) ? null : Array.isArray(v) && v.length > MAX_VALUES ? { count: v.length } : v);

/**
 * What changed between two stored documents, attribute by attribute: complex attributes (and
 * extensions) by their sub-attributes, multi-valued ones as a whole. Paths are SCIM paths
 * (`name.givenName`, `urn:...:User:role`). Computed once, in the write path, from the row it read
 * and the document it writes: no second read.
 */
export function diffResources(before: Record<string, unknown>, after: Record<string, unknown>, extra: Change[] = []): Change[] {
  const out: Change[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length > MAX_CHANGES) return;
    if (isObject(a) || isObject(b)) {
      const left = isObject(a) ? a : {};
      const right = isObject(b) ? b : {};
      for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
        const sub = !path ? key : isUrn(path) ? `${path}:${key}` : `${path}.${key}`;
        walk(left[key], right[key], sub);
      }
      return;
    }
    if (absent(a) && absent(b)) return;
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    out.push({ path, from: shown(a), to: shown(b) });
  };
  walk(before, after, '');
  out.push(...extra);
  if (out.length > MAX_CHANGES) return [...out.slice(0, MAX_CHANGES), { path: '…', from: null, to: `${out.length - MAX_CHANGES} more changes` }];
  return out;
}

/**
 * Whether two JSON documents are equal, whatever the order of their keys: what util's
 * isDeepStrictEqual answers for parsed JSON, at a fraction of its cost (it is asked on every PATCH).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => sameJson(v, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((k) => Object.hasOwn(right, k) && sameJson(left[k], right[k]));
}

/** A secret the write set: journaled as a change, never with its value. */
export const secretChange = (path: string): Change => ({ path, from: REDACTED, to: REDACTED });

/** ": title, name.givenName" for a message; nothing when nothing changed. */
export const summarise = (changes: Change[]): string =>
  changes.length ? `: ${changes.slice(0, 5).map((c) => c.path).join(', ')}${changes.length > 5 ? ` and ${changes.length - 5} more` : ''}` : ' (no attribute changed)';
