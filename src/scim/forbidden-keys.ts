import { invalidPath } from './errors.js';

// scim-patch 0.8.3 walks paths with plain property access, so `__proto__.x` pollutes every object
// in the process (PRODUCT.md §4). These names are refused wherever a client can place them.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export const isForbiddenKey = (key: string): boolean => FORBIDDEN.has(key.trim().toLowerCase());

/** Throws 400 when any segment of an attribute path names a prototype property. */
export function assertSafePath(path: string): void {
  for (const segment of path.split(/[.:[\]\s"]+/)) {
    if (isForbiddenKey(segment)) throw invalidPath(`"${segment}" is not allowed in a path`);
  }
}

/** Throws 400 when any object key at any depth of a value names a prototype property. */
export function assertSafeValue(value: unknown, depth = 0): void {
  if (depth > 64) throw invalidPath('value is nested too deeply');
  if (Array.isArray(value)) {
    for (const item of value) assertSafeValue(item, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (isForbiddenKey(key) || key.split('.').some(isForbiddenKey)) throw invalidPath(`"${key}" is not allowed as a key`);
      assertSafeValue((value as Record<string, unknown>)[key], depth + 1);
    }
  }
}
