/** What one request may ask of the protocol core; each is a setting (README, "Limits"). */
export interface ScimLimits {
  /** Characters in a filter (RFC 7644 §3.4.2.2 sets none; long filters are a cheap DoS). */
  filterLength: number;
  /** Nesting of parentheses, value paths and `not` in a filter. */
  filterDepth: number;
  /** Operations in one PATCH. */
  patchOperations: number;
  /** Members named in one POST, PUT or PATCH of a group. */
  membersPerRequest: number;
  /** The largest page (RFC 7644 §3.4.2.4 "maxResults"): `count` above it is capped. */
  maxResults: number;
  /**
   * Values in one multi-valued attribute of a resource (emails, phoneNumbers, ...); group members
   * have their own bound, membersPerRequest.
   */
  valuesPerAttribute: number;
  /** Characters in one string value (userName, displayName, a sub-attribute, ...). */
  stringLength: number;
  /**
   * Resources a filter without an indexed equality, or a sortBy no index serves, may evaluate in
   * one request (each is loaded and parsed); past it, 400 tooMany.
   */
  filterScan: number;
  /** RFC 7644 §3.7: operations in one /Bulk request. */
  bulkMaxOperations: number;
  /** RFC 7644 §3.7: bytes in one /Bulk request. */
  bulkMaxPayload: number;
}

export const DEFAULT_LIMITS: ScimLimits = {
  filterLength: 4096,
  filterDepth: 32,
  patchOperations: 1000,
  membersPerRequest: 10_000,
  maxResults: 1000,
  valuesPerAttribute: 1000,
  stringLength: 65_536,
  filterScan: 20_000,
  bulkMaxOperations: 1000,
  bulkMaxPayload: 1024 * 1024,
};

/** What a single attribute value may hold (validate-resource.ts). */
export type ValueLimits = Pick<ScimLimits, 'valuesPerAttribute' | 'stringLength'>;
