import type { ResourceTypeDef } from './schema/resource-types.js';
import type { JsonObject } from './validate-resource.js';

export interface MetaInfo {
  id: string;
  created: string;
  lastModified: string;
  version: number;
  /** The SCIM base URL, e.g. http://127.0.0.1:8080/scim/v2 */
  baseUrl: string;
}

/** The meta of a stored row (a user's or a group's), under the SCIM base URL. */
export const metaOf = (row: { id: string; createdAt: string; lastModified: string; version: number }, baseUrl: string): MetaInfo => ({
  id: row.id,
  created: row.createdAt,
  lastModified: row.lastModified,
  version: row.version,
  baseUrl,
});

/** RFC 7644 §3.14: weak ETags, since representations vary with projections. */
export const etagOf = (version: number): string => `W/"${version}"`;

/**
 * The full representation (RFC 7643 §3): schemas naming the extensions present, id, the stored
 * attributes, derived ones (a user's groups, a group's members) and meta last.
 */
export function represent(rt: ResourceTypeDef, stored: JsonObject, meta: MetaInfo, derived: JsonObject = {}): JsonObject {
  const schemas = [rt.schema.id, ...rt.extensions.map((e) => e.schema.id).filter((id) => id in stored)];
  return {
    schemas,
    id: meta.id,
    ...stored,
    ...derived,
    meta: {
      resourceType: rt.name,
      created: meta.created,
      lastModified: meta.lastModified,
      location: `${meta.baseUrl}${rt.endpoint}/${meta.id}`,
      version: etagOf(meta.version),
    },
  };
}

/**
 * The same text as `JSON.stringify(represent(rt, JSON.parse(storedJson), meta, derived))`, built
 * from the stored JSON without parsing it: the stored document was written by JSON.stringify, so
 * parsing and stringifying it again gives back the very same text. `derived` values come already
 * serialised (a user's groups, a group's members from SQLite's json_group_array). Returns null, for
 * the caller to take the object path, when the stored text might hold a key the representation
 * sets itself (schemas, id, meta, a derived one): those are never stored, but this does not rely
 * on it. An extension is named in `schemas` when its URN is a key: `"<urn>":` can only be a key,
 * since a quote inside a string is escaped, and validation refuses unknown nested keys.
 */
/** Whether representJson builds the text of this stored JSON with these derived attributes (see there). */
export function canRepresentJson(storedJson: string, derivedNames: string[]): boolean {
  if (storedJson.charCodeAt(0) !== 123 /* { */ || storedJson.charCodeAt(storedJson.length - 1) !== 125 /* } */) return false;
  return ['schemas', 'id', 'meta', ...derivedNames].every((key) => !storedJson.includes(`"${key}":`));
}

export function representJson(rt: ResourceTypeDef, storedJson: string, meta: MetaInfo, derived: [name: string, json: string][] = []): string | null {
  if (!canRepresentJson(storedJson, derived.map(([name]) => name))) return null;
  let schemas = JSON.stringify(rt.schema.id);
  for (const extension of rt.extensions) {
    if (storedJson.includes(`${JSON.stringify(extension.schema.id)}:`)) schemas += `,${JSON.stringify(extension.schema.id)}`;
  }
  let out = `{"schemas":[${schemas}],"id":${JSON.stringify(meta.id)}`;
  const body = storedJson.slice(1, -1);
  if (body.trim() !== '') out += `,${body}`;
  for (const [name, json] of derived) out += `,${JSON.stringify(name)}:${json}`;
  const metaJson = JSON.stringify({
    resourceType: rt.name,
    created: meta.created,
    lastModified: meta.lastModified,
    location: `${meta.baseUrl}${rt.endpoint}/${meta.id}`,
    version: etagOf(meta.version),
  });
  return `${out},"meta":${metaJson}}`;
}
