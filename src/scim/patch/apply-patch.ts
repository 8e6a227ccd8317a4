import { scimPatch, type ScimPatchOperation } from 'scim-patch';
import type { Filter } from 'scim2-parse-filter';
import type { ResourceTypeDef } from '../schema/resource-types.js';
import type { SchemaDef } from '../schema/types.js';
import { findExtension } from '../schema/attribute-path.js';
import { PATCH_OP } from '../schema/urns.js';
import { assertSafeValue } from '../forbidden-keys.js';
import { checkAttributeValue, checkResource, isObject, isUnassigned, type JsonObject } from '../validate-resource.js';
import { invalidSyntax, invalidValue, mutability, noTarget, ScimError, isScimError, tooMany, type ScimType } from '../errors.js';
import { DEFAULT_LIMITS, type ValueLimits } from '../limits.js';
import { parsePatchPath, type PatchPath } from './patch-path.js';
import { planOperation } from './plan-operation.js';

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

export interface MemberValue {
  value: string;
  type?: string;
}

/** Group membership lives in its own table, so member operations are handed back, not applied. */
export type MemberChange =
  | { kind: 'add'; members: MemberValue[] }
  | { kind: 'replace'; members: MemberValue[] }
  | { kind: 'remove'; values: string[] }
  | { kind: 'removeAll' }
  | { kind: 'removeWhere'; filter: Filter };

export interface PatchResult {
  resource: JsonObject;
  password?: string;
  memberChanges: MemberChange[];
}

const OPS = new Set(['add', 'remove', 'replace']);

/** SCIM 1.1's schema URNs (`urn:scim:schemas:core:1.0`, its extensions). */
const isScim11 = (schemas: unknown): boolean => Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && /^urn:scim:schemas:[^ ]*:1\.[01]\b/i.test(s));

/** RFC 7644 §3.5.2: the PatchOp envelope. An empty Operations list is a no-op (PRODUCT.md §4). */
export function readPatchRequest(body: unknown, maxOperations = DEFAULT_LIMITS.patchOperations): PatchOperation[] {
  if (!isObject(body)) throw invalidSyntax('the PATCH body must be a JSON object');
  assertSafeValue(body);
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP.toLowerCase())) {
    // SCIM 1.1 PATCH bodies carry the attributes themselves (members[].operation "delete"), not a
    // PatchOp: the admin's fix is in the IdP app's settings, so the detail says where to look.
    if (!Array.isArray(body.Operations) || isScim11(schemas)) {
      throw invalidSyntax(`this is a SCIM 1.1 PATCH request (no "${PATCH_OP}" in schemas, no Operations list): the IdP app is likely configured for SCIM 1.1; choose SCIM 2.0 in its provisioning settings`);
    }
    throw invalidSyntax(`a PATCH body must list "${PATCH_OP}" in schemas`);
  }
  const ops = body.Operations;
  if (!Array.isArray(ops)) throw invalidSyntax('a PATCH body must have an "Operations" array');
  if (ops.length > maxOperations) {
    throw tooMany(`the PATCH has ${ops.length} operations; at most ${maxOperations} are accepted (MAX_PATCH_OPERATIONS)`, 413);
  }
  return ops.map((raw, i) => {
    if (!isObject(raw)) throw invalidSyntax(`Operations[${i}] must be an object`);
    // Op names in other cases ("Replace") are lower-cased by the IdP normaliser before this.
    if (typeof raw.op !== 'string' || !OPS.has(raw.op)) {
      throw invalidSyntax(`Operations[${i}].op must be "add", "remove" or "replace", got ${JSON.stringify(raw.op)}`);
    }
    if (raw.path !== undefined && raw.path !== null && typeof raw.path !== 'string') {
      throw invalidSyntax(`Operations[${i}].path must be a string`);
    }
    return { op: raw.op as PatchOperation['op'], path: (raw.path as string | null | undefined) ?? undefined, value: raw.value };
  });
}

/**
 * Applies a PATCH (RFC 7644 §3.5.2) to a copy of the stored resource: all operations or none, and
 * `current` is never touched. Paths are resolved and canonicalised first, and values checked, so
 * scim-patch only ever sees known, safe, typed, filter-free input.
 */
export function applyPatch(rt: ResourceTypeDef, current: JsonObject, operations: PatchOperation[], limits: ValueLimits = DEFAULT_LIMITS): PatchResult {
  let resource = structuredClone(current);
  let password: string | undefined;
  const memberChanges: MemberChange[] = [];
  for (const op of operations.flatMap((op) => expandOperation(rt, op))) {
    const path = parsePatchPath(rt, op.path);
    const leaf = path.subAttribute ?? path.target.attribute;
    if (path.target.attribute.mutability === 'readOnly' || leaf.mutability === 'readOnly') {
      throw mutability(`"${path.target.canonical}" is read-only`);
    }
    // PRODUCT.md §8.3: removing `active` would leave it as it was (a user without it is active),
    // a silent no-op where the client meant to deprovision: refused, naming what to send instead.
    if (rt.id === 'User' && op.op === 'remove' && path.target.attribute.name === 'active' && !path.target.inExtension) {
      throw invalidValue('"active" cannot be removed: send {"op":"replace","path":"active","value":false} to deprovision (active: false)');
    }
    if (rt.id === 'Group' && path.target.attribute.name === 'members' && !path.target.inExtension) {
      memberChanges.push(memberChange(op, path));
    } else if (path.target.attribute.name === 'password' && !path.target.inExtension) {
      // writeOnly (RFC 7643 §7): handed back apart so that it can never be stored or echoed.
      if (op.op === 'remove') throw mutability('password cannot be removed');
      const checked = checkAttributeValue(path.target.attribute, op.value, 'password', false, limits);
      if (typeof checked !== 'string') throw invalidValue('password must be a string');
      password = checked;
    } else {
      for (const step of planOperation(rt, resource, { op: op.op, path, value: op.value }, limits)) resource = runScimPatch(resource, step);
    }
  }
  return { ...checkResource(rt, resource, limits, false), ...(password !== undefined && { password }), memberChanges };
}

type PathOperation = PatchOperation & { path: string };

/** Checks one operation's shape, and rewrites what has no attribute path into operations that do. */
function expandOperation(rt: ResourceTypeDef, op: PatchOperation): PathOperation[] {
  if (!OPS.has(op.op)) throw invalidSyntax(`op must be "add", "remove" or "replace", got ${JSON.stringify(op.op)}`);
  assertSafeValue(op.value);
  // RFC 7644 §3.5.2.1/§3.5.2.3: add and replace MUST carry a value (null is one: it unsets).
  if (op.op !== 'remove' && op.value === undefined) throw invalidValue(`a ${op.op} operation needs a "value"`);
  if (op.path === undefined || op.path === '') return expandNoPath(rt, op);
  const ext = findExtension(rt, op.path.trim());
  return ext ? expandExtension(op.op, ext, op.value) : [op as PathOperation];
}

/** `schemas`, `id` and `meta` inside no-path values are ignored, never written (PRODUCT.md §4). */
const IGNORED_KEYS = new Set(['schemas', 'id', 'meta']);

/**
 * No-path add/replace (RFC 7644 §3.5.2.1/§3.5.2.3): one operation per key of the value object.
 * Keys are paths themselves: plain, dotted (`name.givenName`), URN-qualified, or a whole extension.
 */
function expandNoPath(rt: ResourceTypeDef, op: PatchOperation): PathOperation[] {
  if (op.op === 'remove') throw noTarget('a remove operation needs a path (RFC 7644 §3.5.2.2)');
  if (!isObject(op.value)) throw invalidValue(`a ${op.op} without path needs an object value`);
  return Object.entries(op.value).flatMap(([key, value]) => {
    if (IGNORED_KEYS.has(key.split('.')[0]!.trim().toLowerCase())) return [];
    const ext = findExtension(rt, key.trim());
    return ext ? expandExtension(op.op, ext, value) : [{ op: op.op, path: key, value }];
  });
}

/** An extension URN as a whole (as a no-path key, or as the path): its attributes one by one. */
function expandExtension(op: PatchOperation['op'], ext: SchemaDef, value: unknown): PathOperation[] {
  if (op !== 'remove' && isObject(value)) {
    // PRODUCT.md §4/§8.3: `schemas` inside a value is ignored (conformance suites send it here).
    return Object.entries(value).filter(([key]) => key.trim().toLowerCase() !== 'schemas').map(([key, sub]) => ({ op, path: `${ext.id}:${key}`, value: sub }));
  }
  if (op !== 'remove' && !isUnassigned(value)) throw invalidValue(`${ext.id} must be an object`);
  // Adding nothing changes nothing; replacing with nothing or removing clears the extension.
  if (op === 'add') return [];
  return ext.attributes.filter((a) => a.mutability !== 'readOnly').map((a) => ({ op: 'remove', path: `${ext.id}:${a.name}` }));
}

function memberValues(value: unknown): MemberValue[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter((m) => !isUnassigned(m)).map((m, i) => {
    if (!isObject(m) || typeof m.value !== 'string' || !m.value) throw invalidValue(`members[${i}] needs a string "value"`);
    return typeof m.type === 'string' ? { value: m.value, type: m.type } : { value: m.value };
  });
}

/** `members` of a Group, which the store applies row by row (PRODUCT.md §4: matched on value alone). */
function memberChange(op: PathOperation, path: PatchPath): MemberChange {
  if (path.subAttribute) throw mutability('member sub-attributes are immutable');
  if (path.filter) {
    if (op.op !== 'remove') throw mutability('members can be added, replaced or removed, not edited in place');
    return { kind: 'removeWhere', filter: path.filter };
  }
  if (op.op === 'add') return { kind: 'add', members: memberValues(op.value) };
  if (op.op === 'replace') return { kind: 'replace', members: memberValues(op.value) };
  // RFC 7644 §3.5.2.2: no value removes them all; Entra names the ones to remove in `value`, and
  // an explicit empty list names none.
  if (op.value === undefined || op.value === null) return { kind: 'removeAll' };
  return { kind: 'remove', values: memberValues(op.value).map((m) => m.value) };
}

const SCIM_TYPES = new Set<string>(['invalidFilter', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'mutability']);

/** scim-patch reports `scimCode` (and sometimes throws a bare TypeError): always a SCIM 400 here. */
function runScimPatch(resource: JsonObject, step: ScimPatchOperation): JsonObject {
  try {
    return scimPatch(resource as never, [step], { mutateDocument: true, treatMissingAsAdd: true }) as JsonObject;
  } catch (error) {
    if (isScimError(error)) throw error;
    const code = (error as { scimCode?: unknown } | null)?.scimCode;
    const message = error instanceof Error ? error.message : String(error);
    const scimType = typeof code === 'string' && SCIM_TYPES.has(code) ? (code as ScimType) : 'invalidValue';
    throw new ScimError(400, `cannot apply the patch: ${message}`, scimType);
  }
}
