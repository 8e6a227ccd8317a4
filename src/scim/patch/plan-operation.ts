import { isDeepStrictEqual } from 'node:util';
import type { ScimPatchOperation } from 'scim-patch';
import type { Filter } from 'scim2-parse-filter';
import type { ResourceTypeDef } from '../schema/resource-types.js';
import type { AttributeDef } from '../schema/types.js';
import { ZOOMINFO_USER_SCHEMA } from '../schema/urns.js';
import { compileFilter } from '../filter/evaluate-filter.js';
import { checkAttributeValue, isObject, isUnassigned, type JsonObject } from '../validate-resource.js';
import { invalidValue, noTarget } from '../errors.js';
import type { ValueLimits } from '../limits.js';
import type { PatchPath } from './patch-path.js';

/** One add/remove/replace whose path is parsed, canonicalised and known to be writable. */
export interface ResolvedOperation {
  op: 'add' | 'remove' | 'replace';
  path: PatchPath;
  value?: unknown;
}

/** Where the addressed value lives and how it is checked. */
interface Target {
  /** Keys from the resource root to the value, canonical. */
  keys: string[];
  /** The same as a filter-free canonical path: the only kind of path scim-patch is given. */
  path: string;
  def: AttributeDef;
  /** Our own extension's canonical values are a closed list (validate-resource.ts). */
  strict: boolean;
  limits: ValueLimits;
}

/**
 * Turns one operation into the filter-free, canonical operations scim-patch applies; [] for a
 * no-op. Value filters are evaluated here with the filter engine the list endpoint uses, so case
 * rules follow the schema (RFC 7643 §2.2): scim-patch's own filter matching is case-sensitive, and
 * its path splitter breaks on ':' or '.' inside a filter value (`value eq "tel:+1-555"`).
 */
export function planOperation(rt: ResourceTypeDef, resource: JsonObject, op: ResolvedOperation, limits: ValueLimits): ScimPatchOperation[] {
  const { target, filter, subAttribute } = op.path;
  const strict = target.schema.id === ZOOMINFO_USER_SCHEMA;
  const list: Target = { keys: target.keys, path: target.canonical, def: target.attribute, strict, limits };
  if (target.attribute.multiValued && (filter || subAttribute)) {
    return planElements(resource, op, list, filter ? elementMatcher(rt, op.path, filter) : isObject);
  }
  // A filter on a single-valued complex attribute (Entra's `manager[value eq "id"]`) is a guard.
  if (filter && !elementMatcher(rt, op.path, filter)(readAt(resource, target.keys))) return [];
  return planPlain(resource, op.op, subAttribute ? subTarget(list, subAttribute) : list, op.value);
}

const subTarget = (t: Target, sub: AttributeDef): Target => ({ ...t, keys: [...t.keys, sub.name], path: `${t.path}.${sub.name}`, def: sub });

const readAt = (resource: JsonObject, keys: string[]): unknown =>
  keys.reduce<unknown>((node, key) => (isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined), resource);

const findSub = (def: AttributeDef, key: string): AttributeDef | undefined =>
  def.subAttributes?.find((s) => s.name.toLowerCase() === key.toLowerCase());

/** Whether one element (or the single complex value) satisfies the path's value filter. */
function elementMatcher(rt: ResourceTypeDef, path: PatchPath, filter: Filter): (element: unknown) => boolean {
  // Built as a tree, never re-parsed from text: the package parser mishandles `$ref` and escapes.
  const test = compileFilter(rt, { op: '[]', attrPath: path.target.canonical, valFilter: filter });
  const { keys, attribute } = path.target;
  const wrap = (element: unknown) => keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), attribute.multiValued ? [element] : element);
  return (element) => isObject(element) && test(wrap(element) as JsonObject);
}

/** An attribute or sub-attribute addressed without a filter: `userName`, `name.givenName`, `emails`. */
function planPlain(resource: JsonObject, op: ResolvedOperation['op'], t: Target, value: unknown): ScimPatchOperation[] {
  const stored = readAt(resource, t.keys);
  const unset: ScimPatchOperation[] = stored === undefined ? [] : [{ op: 'remove', path: t.path }];
  if (op === 'remove') {
    if (!t.def.multiValued || isUnassigned(value) || !Array.isArray(stored)) return unset;
    return replaceList(t, removeGiven(t, stored, value));
  }
  if (t.def.multiValued) {
    // RFC 7644 §3.5.2.1: add appends (one element may come bare); §3.5.2.3: replace replaces all.
    const items = checkAttributeValue(t.def, op === 'add' && !Array.isArray(value) ? [value] : value, t.path, t.strict, t.limits) as unknown[] | undefined;
    if (!items) return op === 'add' ? [] : unset;
    if (op === 'replace' || !Array.isArray(stored)) return [{ op, path: t.path, value: items }];
    const others = withoutOtherPrimaries(t.def, stored, items);
    return [...(others === stored ? [] : replaceList(t, others)), { op: 'add', path: t.path, value: items }];
  }
  if (t.def.type === 'complex' && isObject(value)) {
    // RFC 7644 §3.5.2.1/§3.5.2.3: the sub-attributes given are set, a null one is unset (RFC 7643
    // §2.5), the others are left unchanged; readOnly ones (manager.displayName) are ignored.
    checkAttributeValue(t.def, value, t.path, t.strict, t.limits);
    return Object.entries(value).flatMap(([key, sub]) => {
      const subDef = findSub(t.def, key)!;
      return subDef.mutability === 'readOnly' ? [] : planPlain(resource, op, subTarget(t, subDef), sub);
    });
  }
  const checked = checkAttributeValue(t.def, value, t.path, t.strict, t.limits);
  return checked === undefined ? unset : [{ op, path: t.path, value: checked }];
}

/**
 * Elements of a multi-valued complex attribute picked by a value filter (`emails[type eq "work"]`)
 * or all of them (`emails.display`): the new list is computed here and handed over whole.
 */
function planElements(resource: JsonObject, op: ResolvedOperation, list: Target, matches: (el: unknown) => boolean): ScimPatchOperation[] {
  const stored = readAt(resource, list.keys);
  const elements = Array.isArray(stored) ? stored : [];
  const hits = elements.map(matches);
  const sub = op.path.subAttribute;
  const element = { ...list, def: { ...list.def, multiValued: false } };
  if (op.op === 'remove') {
    // RFC 7644 §3.5.2.2; nothing matched is nothing to remove (PRODUCT.md §4).
    if (!hits.includes(true)) return [];
    const next = sub ? elements.map((el, i) => (hits[i] ? omit(el as JsonObject, sub.name) : el)) : elements.filter((_, i) => !hits[i]);
    return replaceList(list, next);
  }
  const change = sub ? { [sub.name]: op.value } : op.value;
  if (!isObject(change)) throw invalidValue(`${op.path.canonical} must be an object`);
  if (hits.includes(true)) {
    const next = elements.map((el, i) => (hits[i] ? merge(el as JsonObject, change, element) : el));
    return replaceList(list, withoutOtherPrimaries(list.def, next, next.filter((_, i) => hits[i])));
  }
  if (Object.values(change).every(isUnassigned)) return [];
  // RFC 7644 §3.5.2.3 treats a missing target as an add; PRODUCT.md §4 asks for the element the
  // filter names to be created (`emails[type eq "work"].value`) rather than failing the PATCH.
  const seed = op.path.filter ? elementFromFilter(op.path.filter) : {};
  if (!seed) throw noTarget(`no value matches "${op.path.canonical}" and the filter does not say what to create`);
  const created = merge(seed, change, element);
  checkAttributeValue(element.def, created, list.path, list.strict, list.limits);
  return replaceList(list, withoutOtherPrimaries(list.def, [...elements, created], [created]));
}

/** The element with the given sub-attributes set (null unsets), checked and canonically named. */
function merge(element: JsonObject, change: JsonObject, t: Target): JsonObject {
  const checked = (checkAttributeValue(t.def, change, t.path, t.strict, t.limits) as JsonObject | undefined) ?? {};
  const out: JsonObject = { ...element, ...checked };
  for (const [key, value] of Object.entries(change)) {
    const def = findSub(t.def, key);
    if (def && isUnassigned(value)) delete out[def.name];
  }
  return out;
}

function omit(element: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = element;
  return rest;
}

/** The equality conditions of `type eq "work"` (joined by "and"): the element a filter names. */
function elementFromFilter(filter: Filter): JsonObject | null {
  if (filter.op === 'eq') return { [filter.attrPath]: filter.compValue };
  if (filter.op !== 'and') return null;
  const parts = filter.filters.map(elementFromFilter);
  return parts.every((p) => p !== null) ? Object.assign({}, ...parts) : null;
}

/** The whole list, or its removal when it ended up empty (RFC 7644 §3.5.2.2: then unassigned). */
const replaceList = (t: Target, next: unknown[]): ScimPatchOperation[] =>
  next.length ? [{ op: 'replace', path: t.path, value: next }] : [{ op: 'remove', path: t.path }];

/** `remove` with a value (RFC 7644 leaves it open): drops the elements that have what each item names. */
function removeGiven(t: Target, stored: unknown[], value: unknown): unknown[] {
  const given = (checkAttributeValue(t.def, Array.isArray(value) ? value : [value], t.path, t.strict, t.limits) as unknown[] | undefined) ?? [];
  const named = (el: unknown, item: unknown) =>
    isObject(item) ? isObject(el) && Object.entries(item).every(([k, v]) => isDeepStrictEqual(el[k], v)) : isDeepStrictEqual(el, item);
  return stored.filter((el) => !given.some((item) => named(el, item)));
}

/** Equal keys for deep-equal elements (sub-attributes in any order): complex values are flat. */
const elementKey = (el: unknown): string =>
  JSON.stringify(isObject(el) ? Object.entries(el).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : el);

/**
 * RFC 7644 §3.5.2: a value given "primary": true takes it from the others, so that true appears
 * no more than once (RFC 7643 §2.4). Returns `elements` itself when nothing had to change.
 * Linear: winners are looked up by identity, then by a key of their content (comparing every pair
 * took 7.7 s for 8,000 primary emails and held up every other request, issue 13).
 */
function withoutOtherPrimaries(def: AttributeDef, elements: unknown[], winners: unknown[]): unknown[] {
  const primaries = winners.filter((w) => isObject(w) && w.primary === true);
  if (!findSub(def, 'primary') || !primaries.length) return elements;
  const byIdentity = new Set<unknown>(primaries);
  const byContent = new Set(primaries.map(elementKey));
  const loses = (el: unknown) => isObject(el) && el.primary === true && !byIdentity.has(el) && !byContent.has(elementKey(el));
  if (!elements.some(loses)) return elements;
  return elements.map((el) => (loses(el) ? { ...(el as JsonObject), primary: false } : el));
}
