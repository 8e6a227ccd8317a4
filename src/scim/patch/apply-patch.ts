import { scimPatch, type ScimPatchOperation } from 'scim-patch';
import type { Filter } from 'scim2-parse-filter';
import type { ResourceTypeDef } from '../schema/resource-types.js';
import { findExtension, resolveAttribute } from '../schema/attribute-path.js';
import { PATCH_OP } from '../schema/urns.js';
import { compileFilter } from '../filter/evaluate-filter.js';
import { assertSafeValue } from '../forbidden-keys.js';
import { checkAttributeValue, checkResource, isObject, isUnassigned, type JsonObject } from '../validate-resource.js';
import { invalidSyntax, invalidValue, mutability, noTarget, ScimError, isScimError, type ScimType } from '../errors.js';
import { parsePatchPath, valuePathFilter, type PatchPath } from './patch-path.js';

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

/** RFC 7644 §3.5.2: the PatchOp envelope. An empty Operations list is a no-op (PRODUCT.md §4). */
export function readPatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw invalidSyntax('the PATCH body must be a JSON object');
  assertSafeValue(body);
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP.toLowerCase())) {
    throw invalidSyntax(`a PATCH body must list "${PATCH_OP}" in schemas`);
  }
  const ops = body.Operations;
  if (!Array.isArray(ops)) throw invalidSyntax('a PATCH body must have an "Operations" array');
  return ops.map((raw, i) => {
    if (!isObject(raw)) throw invalidSyntax(`Operations[${i}] must be an object`);
    if (raw.op !== 'add' && raw.op !== 'remove' && raw.op !== 'replace') {
      throw invalidSyntax(`Operations[${i}].op must be "add", "remove" or "replace", got ${JSON.stringify(raw.op)}`);
    }
    if (raw.path !== undefined && raw.path !== null && typeof raw.path !== 'string') {
      throw invalidSyntax(`Operations[${i}].path must be a string`);
    }
    return { op: raw.op, path: (raw.path as string | null | undefined) ?? undefined, value: raw.value };
  });
}

const READ_ONLY_KEYS = new Set(['schemas', 'id', 'meta']);

/** No-path add/replace (RFC 7644 §3.5.2.1/3): one path operation per key of the value object. */
function expandNoPath(rt: ResourceTypeDef, op: PatchOperation): PatchOperation[] {
  if (op.op === 'remove') throw noTarget('a remove operation needs a path');
  if (!isObject(op.value)) throw invalidValue(`a ${op.op} without path needs an object value`);
  const out: PatchOperation[] = [];
  for (const [key, value] of Object.entries(op.value)) {
    if (READ_ONLY_KEYS.has(key.toLowerCase())) continue;
    const ext = /^urn:/i.test(key) ? findExtension(rt, key) : undefined;
    if (ext && isObject(value)) {
      for (const [sub, subValue] of Object.entries(value)) out.push({ op: op.op, path: `${ext.id}:${sub}`, value: subValue });
    } else {
      out.push({ op: op.op, path: key, value });
    }
  }
  return out;
}

function memberValues(value: unknown): MemberValue[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter((m) => !isUnassigned(m)).map((m, i) => {
    if (!isObject(m) || typeof m.value !== 'string' || !m.value) throw invalidValue(`members[${i}] needs a string "value"`);
    return typeof m.type === 'string' ? { value: m.value, type: m.type } : { value: m.value };
  });
}

/** `members` of a Group, which the store applies row by row (PRODUCT.md §4: matched on value alone). */
function memberChange(op: PatchOperation, path: PatchPath): MemberChange {
  if (path.subAttribute) throw mutability('member sub-attributes are immutable');
  if (path.filter) {
    if (op.op !== 'remove') throw mutability('members can be added, replaced or removed, not edited in place');
    return { kind: 'removeWhere', filter: path.filter };
  }
  if (op.op === 'add') return { kind: 'add', members: memberValues(op.value) };
  if (op.op === 'replace') return { kind: 'replace', members: memberValues(op.value) };
  if (isUnassigned(op.value)) return { kind: 'removeAll' };
  return { kind: 'remove', values: memberValues(op.value).map((m) => m.value) };
}

/** Sets keys[...] = value on a fresh object: the shape the compiled filter expects. */
const wrapAt = (keys: string[], value: unknown): JsonObject =>
  keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as JsonObject;

const readAt = (resource: JsonObject, keys: string[]): unknown =>
  keys.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), resource);

/** The equality conditions of a filter such as `type eq "work"`, to create the element it names. */
function elementFromFilter(filter: Filter): JsonObject | null {
  if (filter.op === 'eq') return { [filter.attrPath]: filter.compValue };
  if (filter.op === 'and') {
    const parts = filter.filters.map(elementFromFilter);
    return parts.every(Boolean) ? Object.assign({}, ...parts) : null;
  }
  return null;
}

function checkOperationValue(op: PatchOperation, path: PatchPath): unknown {
  const { attribute } = path.target;
  const where = path.canonical;
  if (path.subAttribute) return checkAttributeValue({ ...path.subAttribute, multiValued: false }, op.value, where);
  if (path.filter) return checkAttributeValue({ ...attribute, multiValued: false }, op.value, where);
  if (attribute.multiValued && op.op === 'add' && !Array.isArray(op.value)) {
    return checkAttributeValue(attribute, [op.value], where);
  }
  return checkAttributeValue(attribute, op.value, where);
}

const SCIM_TYPES = new Set<string>(['invalidFilter', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'mutability']);

/** scim-patch reports `scimCode` (and sometimes throws a bare TypeError): always a SCIM 400 here. */
function asScimError(error: unknown): ScimError {
  if (isScimError(error)) return error;
  const code = (error as { scimCode?: unknown } | null)?.scimCode;
  const message = error instanceof Error ? error.message : String(error);
  const scimType = typeof code === 'string' && SCIM_TYPES.has(code) ? (code as ScimType) : 'invalidValue';
  return new ScimError(400, `cannot apply the patch: ${message}`, scimType);
}

/**
 * Applies a PATCH (RFC 7644 §3.5.2) to a copy of the stored resource: all operations or none.
 * Paths are resolved and canonicalised here, so scim-patch only ever sees known, safe, typed input.
 */
export function applyPatch(rt: ResourceTypeDef, current: JsonObject, operations: PatchOperation[]): PatchResult {
  let resource = structuredClone(current);
  let password: string | undefined;
  const memberChanges: MemberChange[] = [];
  const expanded = operations.flatMap((op) => (op.path === undefined || op.path === '' ? expandNoPath(rt, op) : [op]));
  for (const op of expanded) {
    const path = parsePatchPath(rt, op.path!);
    const def = path.subAttribute ?? path.target.attribute;
    if (path.target.attribute.mutability === 'readOnly' || def.mutability === 'readOnly') {
      throw mutability(`"${path.target.canonical}" is read-only`);
    }
    if (rt.id === 'Group' && path.target.attribute.name === 'members' && !path.target.inExtension) {
      memberChanges.push(memberChange(op, path));
      continue;
    }
    if (path.target.attribute.name === 'password' && !path.target.inExtension) {
      if (op.op === 'remove') throw mutability('password cannot be removed');
      const checked = checkOperationValue(op, path);
      if (typeof checked !== 'string') throw invalidValue('password must be a string');
      password = checked;
      continue;
    }
    const value = op.op === 'remove' ? undefined : checkOperationValue(op, path);
    const patchOp = resolvePatchOperation(rt, resource, op, path, value);
    if (!patchOp) continue;
    try {
      resource = scimPatch(resource as never, [patchOp], { mutateDocument: true, treatMissingAsAdd: true }) as JsonObject;
    } catch (error) {
      throw asScimError(error);
    }
  }
  return { ...checkResource(rt, resource), ...(password !== undefined && { password }), memberChanges };
}

/** Decides what one operation does to the resource; null when it is a no-op (nothing to remove). */
function resolvePatchOperation(
  rt: ResourceTypeDef,
  resource: JsonObject,
  op: PatchOperation,
  path: PatchPath,
  value: unknown,
): ScimPatchOperation | null {
  // Setting something to nothing (Okta and OneLogin send null for cleared fields) removes it.
  if (op.op !== 'remove' && value === undefined) {
    return readAt(resource, path.subAttribute && !path.filter ? [...path.target.keys, path.subAttribute.name] : path.target.keys) === undefined
      ? null
      : { op: 'remove', path: path.canonical };
  }
  if (!path.filter) {
    if (op.op === 'remove' && readAt(resource, path.target.keys) === undefined) return null;
    return op.op === 'remove' ? { op: 'remove', path: path.canonical } : { op: op.op, path: path.canonical, value };
  }
  const stored = readAt(resource, path.target.keys);
  const matches = compileFilter(rt, valuePathFilter(path));
  const elements = path.target.attribute.multiValued ? (Array.isArray(stored) ? stored : []) : stored === undefined ? [] : [stored];
  const hits = elements.filter((el) => matches(wrapAt(path.target.keys, path.target.attribute.multiValued ? [el] : el)));
  if (!path.target.attribute.multiValued) {
    // A filter on a single-valued complex attribute (Entra's `manager[value eq "id"]`) is a guard.
    if (!hits.length) return null;
    const plain = path.target.canonical + (path.subAttribute ? '.' + path.subAttribute.name : '');
    return op.op === 'remove' ? { op: 'remove', path: plain } : { op: op.op, path: plain, value };
  }
  if (hits.length) return op.op === 'remove' ? { op: 'remove', path: path.canonical } : { op: op.op, path: path.canonical, value };
  if (op.op === 'remove') return null; // nothing matched: nothing to remove
  // PRODUCT.md §4: `emails[type eq "work"].value` creates the element when absent.
  const element = elementFromFilter(path.filter);
  if (!element) throw noTarget(`no value matches "${path.canonical}"`);
  const created = path.subAttribute ? { ...element, [path.subAttribute.name]: value } : { ...element, ...(value as JsonObject) };
  const checked = checkAttributeValue(path.target.attribute, [created], path.target.canonical);
  return { op: 'add', path: path.target.canonical, value: checked };
}
