import type { ResourceTypeDef } from './schema/resource-types.js';
import type { AttributeDef } from './schema/types.js';
import { resolveAttribute } from './schema/attribute-path.js';
import { isObject, type JsonObject } from './validate-resource.js';
import { invalidValue } from './errors.js';

/** RFC 7644 §3.9: `attributes` (only these, plus "always" ones) or `excludedAttributes`. */
export interface Projection {
  attributes?: string[];
  excludedAttributes?: string[];
}

interface Selector {
  keys: string[];
}

/** The keys an attribute name (or a whole extension's URN) selects; null when the type has no such attribute. */
function selectorOf(rt: ResourceTypeDef, name: string): Selector | null {
  const extension = rt.extensions.find((e) => e.schema.id.toLowerCase() === name.toLowerCase());
  if (extension) return { keys: [extension.schema.id] };
  const resolved = resolveAttribute(rt, name);
  return resolved ? { keys: resolved.keys } : null;
}

/** Whether the resource type knows the name (root searches keep only such names per type). */
export const knowsAttribute = (rt: ResourceTypeDef, name: string): boolean => selectorOf(rt, name) !== null;

function selectors(rt: ResourceTypeDef, names: string[] | undefined, param: string): Selector[] | undefined {
  if (!names || names.length === 0) return undefined;
  const out: Selector[] = [];
  for (const name of names) {
    const selector = selectorOf(rt, name);
    // Excluding what the type does not have excludes nothing (conformance suites exclude `name`
    // from groups); asking for it is a mistake worth a 400.
    if (selector) out.push(selector);
    else if (param !== 'excludedAttributes') throw invalidValue(`${param}: unknown attribute "${name}"`);
  }
  return out.length ? out : undefined;
}

const startsWith = (keys: string[], prefix: string[]) => prefix.every((k, i) => keys[i] === k);

/** Whether an attribute is part of the response at all, so callers can skip loading it (members). */
export function isRequested(rt: ResourceTypeDef, projection: Projection, attribute: string): boolean {
  const included = selectors(rt, projection.attributes, 'attributes');
  const excluded = selectors(rt, projection.excludedAttributes, 'excludedAttributes');
  const keys = resolveAttribute(rt, attribute)!.keys;
  if (included) return included.some((s) => startsWith(keys, s.keys) || startsWith(s.keys, keys));
  if (excluded) return !excluded.some((s) => startsWith(keys, s.keys));
  return true;
}

/** Validates the projection's names up front (a bad name is a 400 before any work is done). */
export function checkProjection(rt: ResourceTypeDef, projection: Projection): void {
  selectors(rt, projection.attributes, 'attributes');
  selectors(rt, projection.excludedAttributes, 'excludedAttributes');
}

function defFor(rt: ResourceTypeDef, keys: string[]): AttributeDef | undefined {
  const path = keys[0]!.startsWith('urn:') ? `${keys[0]}:${keys.slice(1).join('.')}` : keys.join('.');
  const resolved = resolveAttribute(rt, path);
  return resolved ? (resolved.subAttribute ?? resolved.attribute) : undefined;
}

/** Applies a projection to a full representation. `schemas`, `id` and returned:"always" stay. */
export function project(rt: ResourceTypeDef, resource: JsonObject, projection: Projection): JsonObject {
  const included = selectors(rt, projection.attributes, 'attributes');
  const excluded = selectors(rt, projection.excludedAttributes, 'excludedAttributes');
  if (!included && !excluded) return resource;

  const keep = (keys: string[]): boolean => {
    if (keys[0] === 'schemas' || keys[0] === 'id') return true;
    const def = defFor(rt, keys);
    if (def?.returned === 'always') return true;
    if (included) return included.some((s) => startsWith(keys, s.keys) || startsWith(s.keys, keys));
    return !excluded!.some((s) => startsWith(keys, s.keys));
  };
  const fullyKept = (keys: string[]): boolean =>
    keys[0] === 'schemas' || keys[0] === 'id' || defFor(rt, keys)?.returned === 'always' ||
    (included ? included.some((s) => startsWith(keys, s.keys)) : !excluded!.some((s) => startsWith(s.keys, keys)));

  const walk = (node: JsonObject, prefix: string[]): JsonObject => {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      const keys = [...prefix, key];
      if (!keep(keys)) continue;
      if (fullyKept(keys) || (!isObject(value) && !Array.isArray(value)) || keys.length >= 3) {
        out[key] = value;
      } else if (Array.isArray(value)) {
        const items = value.map((v) => (isObject(v) ? walk(v, keys) : v)).filter((v) => !isObject(v) || Object.keys(v).length);
        if (items.length) out[key] = items;
      } else {
        const inner = walk(value, keys);
        if (Object.keys(inner).length) out[key] = inner;
      }
    }
    return out;
  };
  return walk(resource, []);
}

/**
 * True when the projection leaves every attribute in, except perhaps some of `derived` (top-level
 * attributes the server derives, such as a group's members): then the representation can be
 * serialised without projecting it (representJson), leaving those out.
 */
export function onlyExcludes(rt: ResourceTypeDef, projection: Projection, derived: readonly string[]): boolean {
  if (selectors(rt, projection.attributes, 'attributes')) return false;
  const excluded = selectors(rt, projection.excludedAttributes, 'excludedAttributes') ?? [];
  return excluded.every((s) => s.keys.length === 1 && derived.includes(s.keys[0]!));
}
