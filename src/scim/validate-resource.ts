import type { AttributeDef, SchemaDef } from './schema/types.js';
import { resourceTypes, type ResourceTypeDef } from './schema/resource-types.js';
import { findExtension } from './schema/attribute-path.js';
import { commonAttributes } from './schema/common-attributes.js';
import { ZOOMINFO_USER_SCHEMA } from './schema/urns.js';
import { assertSafeValue } from './forbidden-keys.js';
import { invalidSyntax, invalidValue } from './errors.js';
import { DEFAULT_LIMITS, type ValueLimits } from './limits.js';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** RFC 7643 §2.5: null, an empty array and an absent attribute are the same state. */
export const isUnassigned = (value: unknown): boolean =>
  value === undefined || value === null || (Array.isArray(value) && value.length === 0);

const findDef = (defs: readonly AttributeDef[] | undefined, key: string) => {
  const lower = key.toLowerCase();
  return defs?.find((d) => d.name.toLowerCase() === lower);
};

interface Context {
  /** Our own extension's canonical values are a closed list; RFC ones (emails.type) are open. */
  strictCanonical: boolean;
  limits: ValueLimits;
  /** Whether `"primary": true` may appear at most once in a multi-valued attribute. */
  onePrimary: boolean;
}

/** A short description of a wrong value for an error detail: never the whole (maybe huge) value. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : String(value);
  return typeof value === 'string' && value.length > 60 ? `${text.slice(0, -1)}..."` : text;
}

function checkScalar(def: AttributeDef, value: unknown, where: string, ctx: Context): unknown {
  const fail = (expected: string) => invalidValue(`${where} must be ${expected}, got ${describe(value)}`);
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value !== 'string') throw fail('a string');
      if (value.length > ctx.limits.stringLength) {
        throw invalidValue(`${where} is ${value.length} characters long; at most ${ctx.limits.stringLength} are accepted (MAX_STRING_LENGTH)`);
      }
      if (ctx.strictCanonical && def.canonicalValues && !def.canonicalValues.includes(value)) {
        throw fail(`one of ${def.canonicalValues.map((v) => `"${v}"`).join(', ')}`);
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw fail('a boolean');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw fail('an integer');
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fail('a number');
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw fail('an xsd:dateTime string');
      return value;
    case 'complex':
      if (!isObject(value)) throw fail('an object');
      return checkComplex(def, value, where, ctx);
  }
}

function checkComplex(def: AttributeDef, value: JsonObject, where: string, ctx: Context): JsonObject | undefined {
  const out: JsonObject = {};
  for (const [key, sub] of Object.entries(value)) {
    const subDef = findDef(def.subAttributes, key);
    if (!subDef) throw invalidValue(`${where} has no sub-attribute "${key}"`);
    // RFC 7643 §7: readOnly sub-attributes sent by a client (manager.displayName) are ignored.
    if (subDef.mutability === 'readOnly') continue;
    if (isUnassigned(sub)) continue;
    out[subDef.name] = checkScalar(subDef, sub, `${where}.${subDef.name}`, ctx);
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * Checks one attribute's value against its definition and returns it canonically cased, or
 * undefined when it is unassigned. Multi-valued attributes take arrays (RFC 7643 §2.4).
 */
export function checkAttributeValue(def: AttributeDef, value: unknown, where: string, strictCanonical = false, limits: ValueLimits = DEFAULT_LIMITS): unknown {
  return checkValue(def, value, where, { strictCanonical, limits, onePrimary: true });
}

// Group members have their own bound (MAX_MEMBERS_PER_REQUEST, groups-service.ts).
const hasOwnBound = (def: AttributeDef) => def.name === 'members';

function checkValue(def: AttributeDef, value: unknown, where: string, ctx: Context): unknown {
  if (isUnassigned(value)) return undefined;
  if (!def.multiValued) return checkScalar(def, value, where, ctx);
  if (!Array.isArray(value)) throw invalidValue(`${where} is multi-valued and must be an array`);
  if (value.length > ctx.limits.valuesPerAttribute && !hasOwnBound(def)) {
    throw invalidValue(`${where} has ${value.length} values; at most ${ctx.limits.valuesPerAttribute} are accepted (MAX_VALUES_PER_ATTRIBUTE)`);
  }
  const items = value.filter((v) => !isUnassigned(v)).map((v, i) => checkScalar(def, v, `${where}[${i}]`, ctx));
  const kept = items.filter((v) => v !== undefined);
  // RFC 7643 §2.4: the primary value "MUST appear no more than once".
  if (ctx.onePrimary && kept.filter((v) => isObject(v) && v.primary === true).length > 1) {
    throw invalidValue(`${where} has more than one value with "primary": true; at most one may be primary (RFC 7643 §2.4)`);
  }
  return kept.length ? kept : undefined;
}

function checkAttributes(schema: SchemaDef, body: JsonObject, out: JsonObject, where: string, core: boolean, ctx: Context): void {
  const strict = schema.id === ZOOMINFO_USER_SCHEMA;
  for (const [key, value] of Object.entries(body)) {
    const def = findDef(schema.attributes, key) ?? (core ? findDef(commonAttributes, key) : undefined);
    if (!def) throw invalidValue(`unknown attribute "${where}${key}" for ${schema.name}`);
    // RFC 7643 §7: readOnly values sent by a client are ignored, never written (id, meta, groups).
    if (def.mutability === 'readOnly') continue;
    const checked = checkValue(def, value, where + def.name, { ...ctx, strictCanonical: strict });
    if (checked !== undefined) out[def.name] = checked;
  }
}

export interface CheckedResource {
  /** Canonically cased readWrite attributes, extensions under their URN. No id, meta or password. */
  resource: JsonObject;
  /** writeOnly `password`, kept apart so it can never be echoed. */
  password?: string;
}

/**
 * Validates a POST/PUT body (already normalised by the IdP layer) against the resource type:
 * unknown attributes and wrongly typed values are refused, readOnly ones dropped, names canonicalised.
 * `onePrimary` false is for the result of a PATCH, whose operations keep `primary` unique themselves
 * (plan-operation.ts) and which must not fail on what an earlier release stored.
 */
export function checkResource(rt: ResourceTypeDef, body: unknown, limits: ValueLimits = DEFAULT_LIMITS, onePrimary = true): CheckedResource {
  if (!isObject(body)) throw invalidSyntax('the request body must be a JSON object');
  const ctx: Context = { strictCanonical: false, limits, onePrimary };
  assertSafeValue(body);
  const core: JsonObject = {};
  const resource: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') continue; // derived on output from what is present
    const ext = /^urn:/i.test(key) ? findExtension(rt, key) : undefined;
    if (ext) {
      if (isUnassigned(value)) continue;
      if (!isObject(value)) throw invalidValue(`${ext.id} must be an object`);
      const extOut: JsonObject = {};
      // PRODUCT.md §8.3: `schemas` inside an extension's value is ignored, as at the top level.
      const attributes = Object.fromEntries(Object.entries(value).filter(([key]) => key.toLowerCase() !== 'schemas'));
      checkAttributes(ext, attributes, extOut, `${ext.id}:`, false, ctx);
      if (Object.keys(extOut).length) resource[ext.id] = extOut;
    } else if (/^urn:/i.test(key)) {
      throw invalidValue(`unknown schema extension "${key}"`);
    } else {
      core[key] = value;
    }
  }
  checkAttributes(rt.schema, core, resource, '', true, ctx);
  let password: string | undefined;
  if (typeof resource.password === 'string') {
    password = resource.password;
    delete resource.password;
  }
  assertRequired(rt, resource);
  return { resource, password };
}

/** RFC 7643 §2.2: required attributes must be present after every write, PATCH included. */
export function assertRequired(rt: ResourceTypeDef, resource: JsonObject): void {
  for (const def of rt.schema.attributes) {
    if (def.required && isUnassigned(resource[def.name])) throw invalidValue(`${def.name} is required`);
    if (def.required && def.type === 'string' && typeof resource[def.name] === 'string' && !(resource[def.name] as string).trim()) {
      throw invalidValue(`${def.name} must not be empty`);
    }
  }
}

/**
 * RFC 7643 §3: a resource's `schemas` is required and names its core schema. A POST or PUT body
 * with none, or one that names another resource type's core schema (a Group body sent to /Users),
 * is refused with 400 invalidValue (PRODUCT.md §8.3). Legacy URNs are normalised before this.
 */
export function checkResourceSchemas(rt: ResourceTypeDef, body: unknown): void {
  if (!isObject(body)) return; // checkResource refuses it with its own detail
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  const schemas = key === undefined ? undefined : body[key];
  const names = Array.isArray(schemas) ? schemas.filter((s): s is string => typeof s === 'string').map((s) => s.toLowerCase()) : [];
  if (names.length === 0) throw invalidValue(`"schemas" is missing: a ${rt.name} must list "${rt.schema.id}" in schemas (RFC 7643 §3)`);
  const other = resourceTypes.find((o) => o !== rt && names.includes(o.schema.id.toLowerCase()));
  if (other) throw invalidValue(`schemas names "${other.schema.id}", the ${other.name} schema, but this body was sent to ${rt.endpoint}; a ${rt.name} lists "${rt.schema.id}"`);
}
