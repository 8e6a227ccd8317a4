import type { ResourceTypeDef } from '../scim/schema/resource-types.js';
import type { ListParams } from '../scim/list-params.js';
import { DEFAULT_LIMITS, type ScimLimits } from '../scim/limits.js';
import { checkProjection, project, type Projection } from '../scim/projection.js';
import { parseFilter } from '../scim/filter/parse-filter.js';
import { compileFilter, sortComparator } from '../scim/filter/evaluate-filter.js';
import { equalityHint } from '../scim/filter/sql-hint.js';
import { resolveAttribute } from '../scim/schema/attribute-path.js';
import { tooMany } from '../scim/errors.js';
import type { JsonObject } from '../scim/validate-resource.js';

export interface ListResult<T> {
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  resources: JsonObject[];
  /**
   * When set, the page's resources as JSON text (built without parsing the stored documents) and
   * `resources` is empty: the ListResponse is then assembled from these strings.
   */
  json?: string[];
  /** The rows behind the page, for callers that need more than the representation. */
  rows: T[];
}

export interface ListSource<T> {
  page(offset: number, limit: number): T[];
  count(): number;
  candidates(hint: { attribute: string; value: string } | null): T[];
  /**
   * A page in the order of `sortBy` read from an index, or null when no index serves that
   * attribute (its canonical name, e.g. "userName").
   */
  sortedPage?(attribute: string, order: 'ascending' | 'descending', offset: number, limit: number): T[] | null;
  /** The full representation, or only what the projection needs when no filter or sort runs. */
  represent(row: T, projection: Projection): JsonObject;
  /** The projected representation as JSON text, or null when only `represent` can make it. */
  representJson?(row: T, projection: Projection): string | null;
}

/**
 * RFC 7644 §3.4.2: filter, sort and page. Unfiltered, unsorted lists page in SQL; otherwise the
 * candidates (narrowed by an index when the filter has an indexed equality) are evaluated here,
 * per element, by our own evaluator.
 */
export function listResources<T>(rt: ResourceTypeDef, params: ListParams, source: ListSource<T>, limits: ScimLimits = DEFAULT_LIMITS): ListResult<T> {
  checkProjection(rt, params);
  const offset = params.startIndex - 1;
  if (!params.filter && !params.sortBy) {
    const totalResults = source.count();
    const rows = params.count > 0 ? source.page(offset, params.count) : [];
    if (source.representJson) {
      const json: string[] = [];
      for (const row of rows) {
        const text = source.representJson(row, params);
        if (text === null) break;
        json.push(text);
      }
      if (json.length === rows.length) return { totalResults, startIndex: params.startIndex, itemsPerPage: rows.length, resources: [], json, rows };
    }
    const resources = rows.map((row) => project(rt, source.represent(row, params), params));
    return { totalResults, startIndex: params.startIndex, itemsPerPage: resources.length, resources, rows };
  }
  const filter = params.filter ? parseFilter(params.filter, limits) : undefined;
  const matches = filter ? compileFilter(rt, filter) : () => true;
  const compare = params.sortBy ? sortComparator(rt, params.sortBy, params.sortOrder) : undefined;
  if (!filter && params.sortBy && source.sortedPage) {
    const canonical = resolveAttribute(rt, params.sortBy)?.canonical;
    const rows = canonical ? source.sortedPage(canonical, params.sortOrder, offset, Math.max(params.count, 0)) : null;
    if (rows) {
      const resources = rows.map((row) => project(rt, source.represent(row, params), params));
      return { totalResults: source.count(), startIndex: params.startIndex, itemsPerPage: resources.length, resources, rows };
    }
  }
  const hint = filter ? equalityHint(rt, filter) : null;
  // Without an indexed equality every resource is loaded, represented and evaluated: 3-4 s of a
  // blocked event loop at 100,000 users. Past MAX_FILTER_SCAN, a clear refusal instead
  // (RFC 7644 §3.12 tooMany: "more results than the server is willing to calculate").
  if (!hint) {
    const total = source.count();
    if (total > limits.filterScan) {
      throw tooMany(
        `${params.filter ? 'this filter has no indexed equality' : `sortBy "${params.sortBy}" is not served by an index`} and would evaluate all ${total} ${rt.name}s; at most ${limits.filterScan} are evaluated per request (MAX_FILTER_SCAN). ` +
          `Add an equality on ${rt.id === 'User' ? 'id, userName, externalId or emails.value' : 'id, displayName or externalId'}${rt.id === 'User' ? ', or sort by userName without a filter' : ''}.`,
      );
    }
  }
  const candidates = source.candidates(hint);
  let hits = candidates.map((row) => ({ row, full: source.represent(row, {}) })).filter((c) => matches(c.full));
  if (compare) hits = hits.sort((a, b) => compare(a.full, b.full));
  const page = params.count > 0 ? hits.slice(offset, offset + params.count) : [];
  return {
    totalResults: hits.length,
    startIndex: params.startIndex,
    itemsPerPage: page.length,
    resources: page.map((h) => project(rt, h.full, params)),
    rows: page.map((h) => h.row),
  };
}
