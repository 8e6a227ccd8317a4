import type { AttributeDef } from '../scim/schema/types.js';
import type { ResourceTypeDef } from '../scim/schema/resource-types.js';
import { findExtension, resolveAttribute } from '../scim/schema/attribute-path.js';
import { isObject, type JsonObject } from '../scim/validate-resource.js';
import { hasLegacyUrn, replaceLegacyUrns } from './legacy-urns.js';
import { RewriteLog } from './rewrites.js';

/**
 * The IdP normaliser: one pass, driven by the schema, that turns what Okta, Entra ID and OneLogin
 * really send (PRODUCT.md §4) into plain RFC 7644 before the protocol core sees it. Nothing here is
 * keyed on which IdP sent the request; every rule applies to every request and is logged.
 */

const findDef = (defs: readonly AttributeDef[] | undefined, key: string) =>
  defs?.find((d) => d.name.toLowerCase() === key.toLowerCase());

/** Coerces one value to what its definition says, where an IdP's habit is unambiguous. */
function coerce(def: AttributeDef, value: unknown, at: string, log: RewriteLog, asElement = false): unknown {
  if (def.multiValued && !asElement) {
    return Array.isArray(value) ? value.map((v, i) => coerce(def, v, `${at}[${i}]`, log, true)) : coerce(def, value, at, log, true);
  }
  // Entra's default disable sends "False": a string is truthy, so it must never reach storage.
  if (def.type === 'boolean' && typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
    const to = value.trim().toLowerCase() === 'true';
    log.add('string-boolean', at, value, to);
    return to;
  }
  if (def.type !== 'complex' || !def.subAttributes) return value;
  const hasValueSub = def.subAttributes.some((s) => s.name === 'value');
  // Entra sends the enterprise manager as a bare id; RFC 7643 §4.3 makes it {"value": id}.
  if (typeof value === 'string' && hasValueSub && !def.multiValued) {
    if (value.trim() === '') {
      log.add('empty-reference', at, value, null);
      return null;
    }
    log.add('bare-reference', at, value, { value });
    return { value };
  }
  // An older Entra shape sends a single-valued complex attribute as a one-element array.
  if (Array.isArray(value) && !def.multiValued && value.length === 1 && isObject(value[0])) {
    log.add('single-value-array', at);
    return coerce(def, value[0], at, log);
  }
  if (!isObject(value)) return value;
  // OneLogin's templates render an unset manager as {"value": ""}: no manager at all.
  if (hasValueSub && !def.multiValued && value.value === '' && !asElement) {
    log.add('empty-reference', at, value, null);
    return null;
  }
  const out: JsonObject = {};
  for (const [key, sub] of Object.entries(value)) {
    const subDef = findDef(def.subAttributes, key);
    out[key] = subDef ? coerce(subDef, sub, `${at}.${key}`, log) : sub;
  }
  return out;
}

/**
 * Coerces the attributes of a resource-shaped object (a POST/PUT body or a no-path PATCH value).
 * `keysArePaths`: a no-path PATCH value, whose keys the core applies one by one as PATCH paths.
 */
function coerceAttributes(rt: ResourceTypeDef, body: JsonObject, at: string, log: RewriteLog, keysArePaths = false): JsonObject {
  const out: JsonObject = {};
  for (const [rawKey, value] of Object.entries(body)) {
    let key = renameLegacy(rt, rawKey, `${at}${rawKey}`, log);
    if (keysArePaths) key = qualifyExtensionPath(rt, key, `${at}${rawKey}`, log);
    const ext = /^urn:/i.test(key) ? findExtension(rt, key) : undefined;
    if (ext && isObject(value)) {
      const inner: JsonObject = {};
      for (const [subKey, subValue] of Object.entries(value)) {
        const def = findDef(ext.attributes, subKey);
        inner[subKey] = def ? coerce(def, subValue, `${at}${key}.${subKey}`, log) : subValue;
      }
      out[key] = inner;
      continue;
    }
    // Plain, dotted ("name.givenName"), URN-qualified and value-filter (`emails[type eq "work"].primary`)
    // keys all resolve through the schema, so a string "True" is coerced wherever the key points.
    const target = pathDef(rt, key);
    out[key] = target ? coerce(target.def, value, `${at}${key}`, log, target.element) : value;
  }
  return out;
}

function renameLegacy(rt: ResourceTypeDef, text: string, at: string, log: RewriteLog): string {
  if (!hasLegacyUrn(text)) return text;
  const to = replaceLegacyUrns(text, rt.id);
  // A legacy URN only inside a quoted comparison value is left alone: nothing to log.
  if (to !== text) log.add('legacy-urn', at, text, to);
  return to;
}

/**
 * Entra sends enterprise attributes unqualified (`manager`, `manager[value eq "id"]`), where RFC 7644
 * §3.10 wants the extension URN in front. Qualified only when no core or common attribute has the
 * name and exactly one extension does: the rule the filter evaluator applies to `manager eq "id"`.
 */
function qualifyExtensionPath(rt: ResourceTypeDef, path: string, at: string, log: RewriteLog): string {
  if (/^urn:/i.test(path)) return path;
  const head = (/^[^.[]*/.exec(path)?.[0] ?? '').trim();
  if (!head || resolveAttribute(rt, head)) return path;
  const owners = rt.extensions.filter((e) => findDef(e.schema.attributes, head));
  if (owners.length !== 1) return path;
  const to = `${owners[0]!.schema.id}:${path.trim()}`;
  log.add('unqualified-extension-path', at, path, to);
  return to;
}

function normaliseSchemas(rt: ResourceTypeDef, schemas: unknown, log: RewriteLog): unknown {
  if (!Array.isArray(schemas)) return schemas;
  return schemas.map((s, i) => (typeof s === 'string' ? renameLegacy(rt, s, `schemas[${i}]`, log) : s));
}

/** A resource body's keys the core ignores (RFC 7643 §7 readOnly); a User PUT's `groups` too. */
const IGNORED_IN_BODY = (rt: ResourceTypeDef) => (rt.id === 'User' ? ['id', 'meta', 'groups'] : ['id', 'meta']);
/** The keys of a no-path PATCH value the core skips (apply-patch's READ_ONLY_KEYS). */
const IGNORED_IN_PATCH_VALUE = ['id', 'meta', 'schemas'];

/** Records what the core will ignore, so an admin can see that the IdP sent it. */
function noteIgnored(body: JsonObject, keys: readonly string[], at: string, log: RewriteLog): void {
  for (const key of Object.keys(body)) {
    if (keys.includes(key.toLowerCase())) log.add('read-only-ignored', `${at}${key}`);
  }
}

/** Schema URNs of a POST/PUT body that name neither the resource's schema nor one of its extensions. */
function noteExtraSchemas(rt: ResourceTypeDef, body: JsonObject, log: RewriteLog): void {
  const known = new Set([rt.schema.id, ...rt.extensions.map((e) => e.schema.id)].map((s) => s.toLowerCase()));
  if (!Array.isArray(body.schemas)) return;
  body.schemas.forEach((s, i) => {
    if (typeof s === 'string' && !known.has(s.toLowerCase())) log.add('extra-schema-urn', `schemas[${i}]`, s);
  });
}

export interface Normalised<T> {
  body: T;
  rewrites: RewriteLog;
}

/** POST and PUT bodies. */
export function normaliseResourceBody(rt: ResourceTypeDef, body: unknown, log = new RewriteLog()): Normalised<unknown> {
  if (!isObject(body)) return { body, rewrites: log };
  const out = coerceAttributes(rt, body, '', log);
  if ('schemas' in body) out.schemas = normaliseSchemas(rt, body.schemas, log);
  noteExtraSchemas(rt, out, log);
  noteIgnored(out, IGNORED_IN_BODY(rt), '', log);
  return { body: out, rewrites: log };
}

/** PATCH bodies (RFC 7644 §3.5.2): op names, paths and values. */
export function normalisePatchBody(rt: ResourceTypeDef, body: unknown, log = new RewriteLog()): Normalised<unknown> {
  if (!isObject(body) || !Array.isArray(body.Operations)) return { body, rewrites: log };
  const operations = body.Operations.map((raw, i) => {
    if (!isObject(raw)) return raw;
    const at = `Operations[${i}]`;
    const op = { ...raw };
    if (typeof op.op === 'string' && op.op !== op.op.toLowerCase()) {
      log.add('op-case', `${at}.op`, op.op, op.op.toLowerCase());
      op.op = op.op.toLowerCase();
    }
    if (typeof op.path === 'string' && op.path !== '') {
      op.path = qualifyExtensionPath(rt, renameLegacy(rt, op.path, `${at}.path`, log), `${at}.path`, log);
    }
    if (op.path === undefined || op.path === null || op.path === '') {
      if (isObject(op.value)) {
        // Locations name the key as sent; the value's schemas are skipped by the core as a whole.
        noteIgnored(op.value, IGNORED_IN_PATCH_VALUE, `${at}.value.`, log);
        op.value = coerceAttributes(rt, op.value, `${at}.value.`, log, true);
      }
    } else if (typeof op.path === 'string' && 'value' in op) {
      const def = pathDef(rt, op.path);
      if (def) op.value = coerce(def.def, op.value, `${at}.value`, log, def.element);
    }
    return op;
  });
  return { body: { ...body, schemas: normaliseSchemas(rt, body.schemas, log), Operations: operations }, rewrites: log };
}

/** The definition a PATCH path's value must satisfy; `element` when a filter selects elements. */
export function pathDef(rt: ResourceTypeDef, path: string): { def: AttributeDef; element: boolean } | null {
  const open = path.indexOf('[');
  if (open === -1) {
    const resolved = resolveAttribute(rt, path);
    return resolved ? { def: resolved.subAttribute ?? resolved.attribute, element: false } : null;
  }
  const target = resolveAttribute(rt, path.slice(0, open));
  if (!target) return null;
  const rest = path.slice(path.lastIndexOf(']') + 1);
  if (rest.startsWith('.')) {
    const sub = findDef(target.attribute.subAttributes, rest.slice(1));
    return sub ? { def: sub, element: false } : null;
  }
  return { def: target.attribute, element: true };
}

/** Filters: legacy URNs in attribute paths (case, `+` and bare words are the filter parser's). */
export function normaliseFilter(rt: ResourceTypeDef, filter: string, log: RewriteLog): string {
  return renameLegacy(rt, filter, 'filter', log);
}

interface AttributeParams {
  filter?: string;
  sortBy?: string;
  attributes?: string[];
  excludedAttributes?: string[];
}

/** Query parameters that name attributes: legacy URNs there read as the RFC ones too. */
export function normaliseAttributeParams<T extends AttributeParams>(rt: ResourceTypeDef, params: T, log: RewriteLog): T {
  const names = (list: string[] | undefined, at: string) => list?.map((name, i) => renameLegacy(rt, name, `${at}[${i}]`, log));
  return {
    ...params,
    ...(params.filter !== undefined && { filter: normaliseFilter(rt, params.filter, log) }),
    ...(params.sortBy !== undefined && { sortBy: renameLegacy(rt, params.sortBy, 'sortBy', log) }),
    ...(params.attributes && { attributes: names(params.attributes, 'attributes') }),
    ...(params.excludedAttributes && { excludedAttributes: names(params.excludedAttributes, 'excludedAttributes') }),
  };
}
