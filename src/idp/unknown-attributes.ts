import type { AttributeDef, SchemaDef } from '../scim/schema/types.js';
import type { ResourceTypeDef } from '../scim/schema/resource-types.js';
import { findExtension, resolveAttribute } from '../scim/schema/attribute-path.js';
import { commonAttributes } from '../scim/schema/common-attributes.js';
import { isObject, type JsonObject } from '../scim/validate-resource.js';
import { invalidValue } from '../scim/errors.js';
import { pathDef } from './normalise.js';
import type { RewriteLog } from './rewrites.js';

/**
 * Attributes no schema knows (PRODUCT.md §8.3). Real SaaS endpoints mostly drop them, and IdPs
 * send them: an older Entra sample puts unset enterprise names (`department: null`) at the top
 * level, OneLogin's templates render `manager: {"managerId": "", "displayName": " "}`, a custom
 * mapping goes to an extension this server does not have. Under "ignore" (the default) each one is
 * dropped and journaled as rewrite `unknown-attribute-dropped` (`from`: its name), so the admin
 * sees which mappings go nowhere; under "reject" the write is 400 invalidValue naming them.
 * A `null` is dropped quietly either way (RFC 7643 §2.5: it is unassigned, nothing is lost).
 * Unknown PATCH `path`s are left to the core, which answers invalidPath (RFC 7644 §3.5.2).
 */
export type UnknownAttributePolicy = 'ignore' | 'reject';

interface Pass {
  log: RewriteLog;
  policy: UnknownAttributePolicy;
  /** Names refused under "reject", reported together. */
  refused: string[];
}

const findDef = (defs: readonly AttributeDef[] | undefined, key: string) => defs?.find((d) => d.name.toLowerCase() === key.toLowerCase());

/** Keys the core ignores wherever they appear in a value (PRODUCT.md §4), never "unknown". */
const IGNORED = new Set(['schemas', 'id', 'meta']);

function drop(pass: Pass, at: string, name: string, value: unknown): void {
  if (value === null || value === undefined) return;
  if (pass.policy === 'reject') pass.refused.push(name);
  else pass.log.add('unknown-attribute-dropped', at, name);
}

/**
 * OneLogin's JSON templates name the manager's id `managerId`: where it is a non-empty string (and
 * no `value` is given) its meaning is plain, RFC 7643 §4.3's `manager.value`.
 */
function mapAlias(def: AttributeDef, value: JsonObject, key: string, sub: unknown, at: string, pass: Pass, out: JsonObject): boolean {
  if (def.name !== 'manager' || key.toLowerCase() !== 'managerid') return false;
  if (typeof sub !== 'string' || sub.trim() === '' || Object.keys(value).some((k) => k.toLowerCase() === 'value')) return false;
  out.value = sub;
  pass.log.add('manager-id', at, key, 'value');
  return true;
}

/** A complex value (or each element of a multi-valued one) without the sub-attributes `def` lacks. */
function cleanValue(def: AttributeDef, value: unknown, at: string, name: string, pass: Pass): unknown {
  if (def.type !== 'complex' || !def.subAttributes || def.mutability === 'readOnly') return value;
  if (Array.isArray(value)) return value.map((el, i) => cleanValue(def, el, `${at}[${i}]`, name, pass));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, sub] of Object.entries(value)) {
    if (findDef(def.subAttributes, key)) out[key] = sub;
    else if (!mapAlias(def, value, key, sub, `${at}.${key}`, pass, out)) drop(pass, `${at}.${key}`, `${name}.${key}`, sub);
  }
  return out;
}

/** The attributes of one schema's object (the core of a body, or an extension's value). */
function cleanAttributes(defs: readonly AttributeDef[], value: JsonObject, at: string, prefix: string, pass: Pass): JsonObject {
  const out: JsonObject = {};
  for (const [key, sub] of Object.entries(value)) {
    const def = findDef(defs, key);
    if (def) out[key] = cleanValue(def, sub, `${at}${key}`, `${prefix}${def.name}`, pass);
    else if (IGNORED.has(key.toLowerCase())) out[key] = sub;
    else drop(pass, `${at}${key}`, `${prefix}${key}`, sub);
  }
  return out;
}

const cleanExtension = (ext: SchemaDef, value: unknown, at: string, pass: Pass): unknown =>
  isObject(value) ? cleanAttributes(ext.attributes, value, `${at}.`, `${ext.id}:`, pass) : value;

/** A key of a no-path PATCH value: a path itself (`name.givenName`, URN-qualified, value filter). */
function cleanPathKey(rt: ResourceTypeDef, key: string, value: unknown, at: string, pass: Pass, out: JsonObject): void {
  if (IGNORED.has(key.split('.')[0]!.trim().toLowerCase())) {
    out[key] = value;
    return;
  }
  const ext = findExtension(rt, key.trim());
  if (ext) {
    out[key] = cleanExtension(ext, value, at, pass);
    return;
  }
  const target = pathDef(rt, key);
  if (!target) drop(pass, at, key, value);
  else out[key] = cleanValue(target.def, value, at, nameOfPath(key), pass);
}

/** A path as an attribute name for the rewrite's `from`: the value filter left out (`emails.colour`). */
const nameOfPath = (path: string): string => path.replace(/\[.*\]/s, '').trim();

function finish<T>(pass: Pass, result: T): T {
  if (pass.refused.length) {
    const names = [...new Set(pass.refused)].map((n) => `"${n}"`).join(', ');
    throw invalidValue(`unknown attribute${pass.refused.length > 1 ? 's' : ''} ${names} (the unknownAttributes setting is "reject"; "ignore" drops them and journals each)`);
  }
  return result;
}

/** A POST or PUT body, already normalised (legacy URNs renamed). */
export function dropUnknownInResource(rt: ResourceTypeDef, body: unknown, log: RewriteLog, policy: UnknownAttributePolicy): unknown {
  if (!isObject(body)) return body;
  const pass: Pass = { log, policy, refused: [] };
  const core: JsonObject = {};
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (!/^urn:/i.test(key)) core[key] = value;
    else {
      const ext = findExtension(rt, key);
      if (ext) out[key] = cleanExtension(ext, value, key, pass);
      // A URN-qualified attribute the schema knows is the core's to judge, not unknown.
      else if (resolveAttribute(rt, key)) out[key] = value;
      else drop(pass, key, key, value);
    }
  }
  return finish(pass, { ...cleanAttributes([...rt.schema.attributes, ...commonAttributes], core, '', '', pass), ...out });
}

/** A PATCH body, already normalised: no-path values key by key, and values of known paths. */
export function dropUnknownInPatch(rt: ResourceTypeDef, body: unknown, log: RewriteLog, policy: UnknownAttributePolicy): unknown {
  if (!isObject(body) || !Array.isArray(body.Operations)) return body;
  const pass: Pass = { log, policy, refused: [] };
  const operations = body.Operations.map((op, i) => {
    if (!isObject(op) || !('value' in op)) return op;
    const at = `Operations[${i}].value`;
    if (op.path === undefined || op.path === null || op.path === '') {
      if (!isObject(op.value)) return op;
      const value: JsonObject = {};
      for (const [key, sub] of Object.entries(op.value)) cleanPathKey(rt, key, sub, `${at}.${key}`, pass, value);
      return { ...op, value };
    }
    if (typeof op.path !== 'string') return op;
    const ext = findExtension(rt, op.path.trim());
    if (ext) return { ...op, value: cleanExtension(ext, op.value, at, pass) };
    const target = pathDef(rt, op.path);
    return target ? { ...op, value: cleanValue(target.def, op.value, at, nameOfPath(op.path), pass) } : op;
  });
  return finish(pass, { ...body, Operations: operations });
}
