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
