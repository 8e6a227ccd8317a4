import type { AttributeDef, SchemaDef } from './types.js';
import type { ResourceTypeDef } from './resource-types.js';
import { commonAttributes } from './common-attributes.js';

/** An attribute reference (RFC 7644 §3.10 "attrPath") resolved against a resource type. */
export interface ResolvedAttribute {
  /** The schema that defines the attribute; the core schema for common attributes. */
  schema: SchemaDef;
  /** True when the attribute lives in an extension, i.e. under the extension's URN key. */
  inExtension: boolean;
  attribute: AttributeDef;
  subAttribute?: AttributeDef;
  /** Keys from the resource root to the value, canonically cased (sub-attribute included). */
  keys: string[];
  /** The canonical attrPath text, URN-qualified for extension attributes. */
  canonical: string;
}

const findByName = (attrs: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined => {
  const lower = name.toLowerCase();
  return attrs?.find((a) => a.name.toLowerCase() === lower);
};

/** Splits "urn:...:User:name.givenName" into the schema and the rest, matching URNs without case. */
function splitSchemaPrefix(rt: ResourceTypeDef, path: string): { schema: SchemaDef; rest: string } | null {
  const lower = path.toLowerCase();
  for (const schema of [rt.schema, ...rt.extensions.map((e) => e.schema)]) {
    const urn = schema.id.toLowerCase();
    if (lower === urn) return { schema, rest: '' };
    if (lower.startsWith(urn + ':')) return { schema, rest: path.slice(urn.length + 1) };
  }
  return null;
}

/** The resolved extension schema when `key` is exactly one of the resource type's extension URNs. */
export function findExtension(rt: ResourceTypeDef, key: string): SchemaDef | undefined {
  const lower = key.toLowerCase();
  return rt.extensions.find((e) => e.schema.id.toLowerCase() === lower)?.schema;
}

/**
 * Resolves `attr`, `attr.sub`, or a URN-qualified form of either (RFC 7644 §3.10), case-insensitively
 * (RFC 7643 §2.1). Returns null when the resource type has no such attribute.
 */
export function resolveAttribute(rt: ResourceTypeDef, path: string): ResolvedAttribute | null {
  let schema = rt.schema;
  let rest = path;
  if (/^urn:/i.test(path)) {
    const split = splitSchemaPrefix(rt, path);
    if (!split || split.rest === '') return null;
    ({ schema, rest } = split);
  }
  const dot = rest.indexOf('.');
  const head = dot === -1 ? rest : rest.slice(0, dot);
  const tail = dot === -1 ? undefined : rest.slice(dot + 1);
  const inExtension = schema !== rt.schema;
  const attribute = findByName(schema.attributes, head) ?? (inExtension ? undefined : findByName(commonAttributes, head));
  if (!attribute) return null;
  let subAttribute: AttributeDef | undefined;
  if (tail !== undefined) {
    subAttribute = findByName(attribute.subAttributes, tail);
    if (!subAttribute) return null;
  }
  const names = subAttribute ? [attribute.name, subAttribute.name] : [attribute.name];
  return {
    schema,
    inExtension,
    attribute,
    subAttribute,
    keys: inExtension ? [schema.id, ...names] : names,
    canonical: inExtension ? `${schema.id}:${names.join('.')}` : names.join('.'),
  };
}

/** The definition that governs the value at the end of the path. */
export const leafOf = (resolved: ResolvedAttribute): AttributeDef => resolved.subAttribute ?? resolved.attribute;
