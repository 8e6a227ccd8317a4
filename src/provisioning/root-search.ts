import type { ResourceTypeDef } from '../scim/schema/resource-types.js';
import type { ListParams } from '../scim/list-params.js';
import { knowsAttribute } from '../scim/projection.js';
import { isScimError } from '../scim/errors.js';
import type { ListResult } from './list.js';

/** One resource type taking part in a root search, with its own list use case. */
export interface SearchedType {
  rt: ResourceTypeDef;
  /** The parameters as this type reads them before names are matched (legacy URNs renamed). */
  normalise(params: ListParams): ListParams;
  list(params: ListParams): ListResult<unknown>;
}

/**
 * The parameters as one resource type reads them: attribute names it does not know are ignored
 * (PRODUCT.md §8.3), and so is a sortBy it does not know. When none of the requested `attributes`
 * is the type's, its resources are returned with what is always returned (`id`) only.
 */
function paramsFor(rt: ResourceTypeDef, params: ListParams): ListParams {
  const known = (names: string[] | undefined) => names?.filter((n) => knowsAttribute(rt, n));
  const attributes = known(params.attributes);
  const excludedAttributes = known(params.excludedAttributes);
  return {
    ...params,
    attributes: params.attributes ? (attributes!.length ? attributes : ['id']) : undefined,
    excludedAttributes: excludedAttributes?.length ? excludedAttributes : undefined,
    sortBy: params.sortBy && knowsAttribute(rt, params.sortBy) ? params.sortBy : undefined,
  };
}

/**
 * RFC 7644 §3.4.3: a search at the root, across resource types. The types' results are one list,
 * in the order the types are given (Users, then Groups), each sorted on its own when sortBy
 * applies to it; startIndex and count page over the whole. A filter one type cannot evaluate (an
 * attribute only the other has) matches none of that type; when no type can, its error is the answer.
 */
export function searchAcrossTypes(types: SearchedType[], params: ListParams): ListResult<unknown> {
  let totalResults = 0;
  let skip = params.startIndex - 1; // of the whole list, not yet passed
  let room = params.count;
  const json: string[] = [];
  const rows: unknown[] = [];
  let firstError: unknown;
  let answered = 0;
  for (const { rt, normalise, list } of types) {
    let result: ListResult<unknown>;
    try {
      result = list({ ...paramsFor(rt, normalise(params)), startIndex: skip + 1, count: room });
    } catch (error) {
      if (!isScimError(error) || error.status !== 400) throw error;
      firstError ??= error;
      continue;
    }
    answered++;
    totalResults += result.totalResults;
    skip = Math.max(0, skip - result.totalResults);
    const page = result.json ?? result.resources.map((r) => JSON.stringify(r));
    json.push(...page);
    rows.push(...result.rows);
    room -= page.length;
  }
  if (answered === 0 && firstError) throw firstError;
  return { totalResults, startIndex: params.startIndex, itemsPerPage: json.length, resources: [], json, rows };
}
