import { invalidFilter, invalidValue } from '../errors.js';
import type { ScimError } from '../errors.js';
import type { AttributeDef } from '../schema/types.js';
import type { ResourceTypeDef } from '../schema/resource-types.js';
import { leafOf, resolveAttribute } from '../schema/attribute-path.js';
import type { ResolvedAttribute } from '../schema/attribute-path.js';
import type { Compare, Filter } from './parse-filter.js';

type Json = Record<string, unknown>;
type Predicate = (node: Json) => boolean;
type CompareOp = Compare['op'];

/** Where the values an attribute path names are found, and the definition that governs them. */
interface Target {
  def: AttributeDef;
  keys: string[];
  canonical: string;
}

/** Outside `[...]` paths resolve against the resource type; inside, against the outer attribute. */
type Scope = { rt: ResourceTypeDef; parent?: AttributeDef };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every value at `keys`, multi-valued attributes flattened, so "any element matches" is `some`. */
function collect(node: unknown, keys: readonly string[]): unknown[] {
  let current: unknown[] = [node];
  for (const key of keys) {
    const next: unknown[] = [];
    for (const item of current) {
      if (!isObject(item) || !Object.hasOwn(item, key)) continue;
      const value = item[key];
      if (Array.isArray(value)) next.push(...value);
      else next.push(value);
    }
    current = next;
  }
  return current;
}

/** RFC 7644 §3.4.2.2 "pr": a non-empty value; a complex value is present if any sub-value is. */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isObject(value)) return Object.values(value).some(isPresent);
  return true;
}

/**
 * resolveAttribute, plus unqualified extension attributes (`manager eq "id"`) when exactly one
 * extension defines the name: RFC 7644 §3.10 asks for the URN prefix, but clients often omit it and
 * a core attribute of the same name still wins.
 */
function resolveLenient(rt: ResourceTypeDef, path: string): ResolvedAttribute | null {
  const direct = resolveAttribute(rt, path);
  if (direct || /^urn:/i.test(path)) return direct;
  const found = rt.extensions
    .map((e) => resolveAttribute(rt, `${e.schema.id}:${path}`))
    .filter((r): r is ResolvedAttribute => r !== null);
  return found.length === 1 ? (found[0] as ResolvedAttribute) : null;
}

function resolveTarget(scope: Scope, path: string): Target {
  if (scope.parent) {
    const lower = path.toLowerCase();
    const def = scope.parent.subAttributes?.find((a) => a.name.toLowerCase() === lower);
    if (!def) throw invalidFilter(`Unknown sub-attribute '${path}' of '${scope.parent.name}'`);
    return { def, keys: [def.name], canonical: `${scope.parent.name}.${def.name}` };
  }
  const resolved = resolveLenient(scope.rt, path);
  if (!resolved) throw invalidFilter(`Unknown attribute '${path}' for resource type ${scope.rt.name}`);
  return { def: leafOf(resolved), keys: resolved.keys, canonical: resolved.canonical };
}

/** Comparing a complex attribute itself (`emails eq "x"`, `manager eq "id"`) compares its `value`. */
function valueTarget(target: Target, fail: (detail: string) => ScimError): Target {
  if (target.def.type !== 'complex') return target;
  const value = target.def.subAttributes?.find((a) => a.name === 'value');
  if (!value) throw fail(`Complex attribute '${target.canonical}' has no 'value' to compare; name a sub-attribute`);
  return { def: value, keys: [...target.keys, 'value'], canonical: `${target.canonical}.value` };
}

/** One comparison; co/sw/ew only mean something for text (numbers and instants never match). */
function applyOp<T extends string | number>(op: CompareOp, a: T, b: T): boolean {
  switch (op) {
    case 'eq':
    case 'ne':
      return a === b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      if (typeof a !== 'string' || typeof b !== 'string') return false;
      return op === 'co' ? a.includes(b) : op === 'sw' ? a.startsWith(b) : a.endsWith(b);
  }
}

const never = () => false;

/**
 * The test one stored value must pass for `op compValue`, typed by the attribute definition
 * (RFC 7644 §3.4.2.2). `ne` is compiled as `eq` and negated by the caller. A compValue of the wrong
 * type matches nothing, with two lenient coercions for IdPs: "True"/"false" strings for booleans,
 * and a bare number (`employeeNumber eq 42`) for string attributes.
 */
function valueTest(def: AttributeDef, op: CompareOp, compValue: Compare['compValue']): (v: unknown) => boolean {
  const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  switch (def.type) {
    case 'boolean': {
      if (ordering) throw invalidFilter(`'${op}' is not allowed on boolean attribute '${def.name}'`);
      const lower = typeof compValue === 'string' ? compValue.toLowerCase() : undefined;
      const cv = lower === 'true' ? true : lower === 'false' ? false : compValue;
      if (typeof cv !== 'boolean' || (op !== 'eq' && op !== 'ne')) return never;
      return (v) => v === cv;
    }
    case 'integer':
    case 'decimal': {
      if (typeof compValue !== 'number') return never;
      return (v) => typeof v === 'number' && applyOp(op, v, compValue);
    }
    case 'dateTime': {
      if (typeof compValue !== 'string') return never;
      if (op === 'co' || op === 'sw' || op === 'ew') {
        const cv = compValue.toLowerCase();
        return (v) => typeof v === 'string' && applyOp(op, v.toLowerCase(), cv);
      }
      // Compared as instants, so "2024-01-01T00:00:00Z" equals "2024-01-01T01:00:00+01:00".
      const instant = Date.parse(compValue);
      if (Number.isNaN(instant)) return never;
      return (v) => typeof v === 'string' && applyOp(op, Date.parse(v), instant);
    }
    case 'binary': // base64 text (RFC 7643 §2.3.6), compared as a string but never ordered
    case 'string':
    case 'reference': {
      if (def.type === 'binary' && ordering) {
        throw invalidFilter(`'${op}' is not allowed on binary attribute '${def.name}'`);
      }
      const cv = typeof compValue === 'number' && def.type === 'string' ? String(compValue) : compValue;
      if (typeof cv !== 'string') return never;
      // RFC 7643 §2.2: caseExact false means comparisons ignore case.
      const norm = def.caseExact ? (s: string) => s : (s: string) => s.toLowerCase();
      const c = norm(cv);
      return (v) => typeof v === 'string' && applyOp(op, norm(v), c);
    }
    case 'complex':
      throw invalidFilter(`Cannot compare complex attribute '${def.name}' to a value`);
  }
}

function compile(scope: Scope, f: Filter): Predicate {
  switch (f.op) {
    case 'and': {
      const parts = f.filters.map((g) => compile(scope, g));
      return (r) => parts.every((p) => p(r));
    }
    case 'or': {
      const parts = f.filters.map((g) => compile(scope, g));
      return (r) => parts.some((p) => p(r));
    }
    case 'not': {
      const inner = compile(scope, f.filter);
      return (r) => !inner(r);
    }
    case '[]': {
      // RFC 7644 §3.4.2.2 valuePath: one element has to satisfy the whole inner filter.
      const target = resolveTarget(scope, f.attrPath);
      if (scope.parent || target.def.type !== 'complex' || !target.def.subAttributes) {
        throw invalidFilter(`'${f.attrPath}[...]' needs a complex attribute; value filters cannot nest`);
      }
      const inner = compile({ rt: scope.rt, parent: target.def }, f.valFilter);
      return (r) => collect(r, target.keys).some((el) => isObject(el) && inner(el));
    }
    case 'pr': {
      const { keys } = resolveTarget(scope, f.attrPath);
      return (r) => collect(r, keys).some(isPresent);
    }
    default: {
      const target = resolveTarget(scope, f.attrPath);
      if (f.compValue === null && (f.op === 'eq' || f.op === 'ne')) {
        // `eq null` is "not present" (RFC 7644 §3.4.2.2 treats null as unassigned).
        const wantPresent = f.op === 'ne';
        return (r) => collect(r, target.keys).some(isPresent) === wantPresent;
      }
      const { def, keys } = valueTarget(target, invalidFilter);
      const op = f.op === 'ne' ? 'eq' : f.op;
      const test = valueTest(def, op, f.compValue);
      // For multi-valued attributes `ne` is "no element equals", the negation of `eq`.
      if (f.op === 'ne') return (r) => !collect(r, keys).some(test);
      return (r) => collect(r, keys).some(test);
    }
  }
}

/**
 * Compiles a parsed filter against a resource type. Every attribute path is resolved once here, so
 * an unknown attribute or an operator the attribute type forbids fails the request with
 * `invalidFilter` (400) even when no resource would have been tested.
 */
export function compileFilter(rt: ResourceTypeDef, filter: Filter): (resource: Record<string, unknown>) => boolean {
  return compile({ rt }, filter);
}

type SortKey = string | number | undefined;

/**
 * RFC 7644 §3.4.2.3: sort by `sortBy`; for a multi-valued attribute the primary element's value,
 * else the first. Resources without a value come last ascending and first descending (the order is
 * simply reversed); ties fall back to `id` so paging over the same data is deterministic.
 */
export function sortComparator(
  rt: ResourceTypeDef,
  sortBy: string,
  order: 'ascending' | 'descending',
): (a: Record<string, unknown>, b: Record<string, unknown>) => number {
  const resolved = resolveLenient(rt, sortBy);
  if (!resolved) throw invalidValue(`Unknown sortBy attribute '${sortBy}' for resource type ${rt.name}`);
  const { attribute, subAttribute } = resolved;
  const baseKeys = subAttribute ? resolved.keys.slice(0, -1) : resolved.keys;
  const target = { def: subAttribute ?? attribute, keys: [], canonical: resolved.canonical };
  const leaf = valueTarget(target, (detail) => invalidValue(`Cannot sort by '${sortBy}': ${detail}`)).def;
  const leafKey = subAttribute?.name ?? (attribute.type === 'complex' ? 'value' : undefined);

  const keyOf = (resource: Json): SortKey => {
    const values = collect(resource, baseKeys);
    const chosen = values.find((v) => isObject(v) && v.primary === true) ?? values[0];
    const raw = leafKey === undefined ? chosen : isObject(chosen) ? chosen[leafKey] : undefined;
    switch (leaf.type) {
      case 'boolean':
        return typeof raw === 'boolean' ? Number(raw) : undefined;
      case 'integer':
      case 'decimal':
        return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
      case 'dateTime': {
        const t = typeof raw === 'string' ? Date.parse(raw) : NaN;
        return Number.isNaN(t) ? undefined : t;
      }
      default:
        if (typeof raw !== 'string' || raw === '') return undefined;
        return leaf.caseExact ? raw : raw.toLowerCase();
    }
  };

  const sign = order === 'descending' ? -1 : 1;
  const idOf = (r: Json) => (typeof r.id === 'string' ? r.id : '');
  return (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    let c = 0;
    if (ka === undefined || kb === undefined) c = ka === kb ? 0 : ka === undefined ? 1 : -1;
    else c = ka < kb ? -1 : ka > kb ? 1 : 0;
    if (c !== 0) return sign * c;
    const ia = idOf(a);
    const ib = idOf(b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
}
