import { isObject, type JsonObject } from './validate-resource.js';
import { invalidValue, invalidSyntax } from './errors.js';
import type { Projection } from './projection.js';
import { DEFAULT_LIMITS } from './limits.js';


export interface ListParams extends Projection {
  filter?: string;
  startIndex: number;
  count: number;
  sortBy?: string;
  sortOrder: 'ascending' | 'descending';
}

// A SearchRequest body is JSON: a value may be an object whose own "toString" is not a function, on
// which String() throws a TypeError (a 500, found by the fuzzer, test/fuzz/). So only strings are
// ever turned into text here; anything else of the wrong type is refused as it is.
const csv = (value: unknown, name: string): string[] | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (!Array.isArray(value) && typeof value !== 'string') throw invalidValue(`${name} must be a list of attribute names`);
  const items = Array.isArray(value) ? value : value.split(',');
  if (!items.every((v) => typeof v === 'string')) throw invalidValue(`${name} must be a list of attribute names`);
  const names = (items as string[]).map((v) => v.trim()).filter(Boolean);
  return names.length ? names : undefined;
};

const integer = (value: unknown, name: string): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw invalidValue(`${name} must be an integer`);
  return n;
};

const single = (value: unknown, name: string): unknown => {
  if (Array.isArray(value)) throw invalidValue(`${name} may be given only once`);
  return value;
};

/**
 * Reads list parameters from a query string or a SearchRequest body (RFC 7644 §3.4.3), with the
 * RFC's leniency: startIndex below 1 is 1, a negative count is 0, count above maxResults is capped.
 */
export function readListParams(source: JsonObject, fromBody = false, maxResults = DEFAULT_LIMITS.maxResults): ListParams {
  if (fromBody && !isObject(source)) throw invalidSyntax('a search request must be a JSON object');
  const get = (name: string) => {
    const key = Object.keys(source).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : fromBody ? source[key] : single(source[key], name);
  };
  const filter = get('filter');
  if (filter !== undefined && typeof filter !== 'string') throw invalidValue('filter must be a string');
  const sortBy = get('sortBy');
  if (sortBy !== undefined && typeof sortBy !== 'string') throw invalidValue('sortBy must be a string');
  const sortOrder = get('sortOrder');
  if (sortOrder !== undefined && sortOrder !== '' && !(typeof sortOrder === 'string' && /^(ascending|descending)$/i.test(sortOrder))) {
    throw invalidValue('sortOrder must be "ascending" or "descending"');
  }
  const attributes = csv(get('attributes'), 'attributes');
  const excludedAttributes = csv(get('excludedAttributes'), 'excludedAttributes');
  if (attributes && excludedAttributes) throw invalidValue('attributes and excludedAttributes cannot be combined');
  const startIndex = Math.max(1, integer(get('startIndex'), 'startIndex') ?? 1);
  // RFC 7644 §3.4.2.4: count above maxResults is capped, not refused.
  const count = Math.min(maxResults, Math.max(0, integer(get('count'), 'count') ?? maxResults));
  return {
    filter: filter === '' ? undefined : (filter as string | undefined),
    startIndex,
    count,
    sortBy: sortBy || undefined,
    sortOrder: String(sortOrder ?? '').toLowerCase() === 'descending' ? 'descending' : 'ascending',
    attributes,
    excludedAttributes,
  };
}
