import { invalidPath, invalidValue } from './errors.js';

// scim-patch 0.8.3 walks paths with plain property access, so `__proto__.x` pollutes every object
// in the process (PRODUCT.md §4). These names are refused wherever a client can place a key.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest value accepted: no SCIM attribute nests beyond a few levels (RFC 7643 §2.3.8). */
export const MAX_VALUE_DEPTH = 64;

export const isForbiddenKey = (key: string): boolean => FORBIDDEN.has(key.trim().toLowerCase());

/** The first prototype name among the attribute names of a path, skipping quoted filter values. */
const forbiddenNameIn = (path: string): string | undefined =>
  path
    .replace(/"(?:[^"\\]|\\.)*"?/g, ' ')
    .split(/[^\w$-]+/)
    .find(isForbiddenKey);

/**
 * Throws 400 when an attribute name anywhere in a path names a prototype property. Quoted filter
 * values are data, never keys (`emails[type eq "__proto__"]` compares a string), so they are skipped.
 */
export function assertSafePath(path: string): void {
  const name = forbiddenNameIn(path);
  if (name !== undefined) throw invalidPath(`"${name}" is not allowed in a path`);
}

/** Throws 400 when any object key at any depth of a value names a prototype property. */
export function assertSafeValue(value: unknown, depth = 0): void {
  if (depth > MAX_VALUE_DEPTH) throw invalidValue(`value is nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if (Array.isArray(value)) {
    for (const item of value) assertSafeValue(item, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      // Keys may be paths themselves (no-path PATCH values: "name.givenName", "urn:...:manager").
      if (forbiddenNameIn(key) !== undefined) throw invalidPath(`"${key}" is not allowed as a key`);
      assertSafeValue((value as Record<string, unknown>)[key], depth + 1);
    }
  }
}
