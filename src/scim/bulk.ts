import { BULK_REQUEST } from './schema/urns.js';
import { isObject } from './validate-resource.js';
import { assertSafeValue } from './forbidden-keys.js';
import { invalidSyntax, invalidValue, tooMany } from './errors.js';

/** RFC 7644 §3.7: one operation of a BulkRequest. */
export interface BulkOperation {
  index: number;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
  /** bulkIds this operation's path or data refers to ("bulkId:x"). */
  references: string[];
}

export interface BulkRequest {
  failOnErrors?: number;
  operations: BulkOperation[];
}

const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REFERENCE = /^bulkId:(.+)$/;

/** Every "bulkId:x" string in a value (RFC 7644 §3.7.2: references may appear in any attribute). */
function referencesIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') {
    const match = REFERENCE.exec(value);
    if (match) out.add(match[1]!);
  } else if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, out);
  } else if (isObject(value)) {
    for (const item of Object.values(value)) referencesIn(item, out);
  }
  return out;
}

/** Validates the BulkRequest envelope and its limits (413 tooMany past maxOperations). */
export function readBulkRequest(body: unknown, maxOperations: number): BulkRequest {
  if (!isObject(body)) throw invalidSyntax('a bulk request must be a JSON object');
  assertSafeValue(body);
  if (!Array.isArray(body.schemas) || !body.schemas.includes(BULK_REQUEST)) throw invalidSyntax(`a bulk request must list "${BULK_REQUEST}" in schemas`);
  if (!Array.isArray(body.Operations)) throw invalidSyntax('a bulk request needs an "Operations" array');
  if (body.Operations.length > maxOperations) {
    throw tooMany(`the bulk request has ${body.Operations.length} operations; at most ${maxOperations} are accepted (BULK_MAX_OPERATIONS)`, 413);
  }
  const failOnErrors = body.failOnErrors;
  if (failOnErrors !== undefined && (!Number.isSafeInteger(failOnErrors) || (failOnErrors as number) < 1)) {
    throw invalidValue('failOnErrors must be a positive integer');
  }
  const seen = new Set<string>();
  const operations = body.Operations.map((raw, index): BulkOperation => {
    const where = `Operations[${index}]`;
    if (!isObject(raw)) throw invalidSyntax(`${where} must be an object`);
    const method = typeof raw.method === 'string' ? raw.method.toUpperCase() : '';
    if (!METHODS.has(method)) throw invalidValue(`${where}.method must be POST, PUT, PATCH or DELETE`);
    if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) throw invalidValue(`${where}.path must be a path such as "/Users"`);
    if (raw.bulkId !== undefined && (typeof raw.bulkId !== 'string' || raw.bulkId === '')) throw invalidValue(`${where}.bulkId must be a non-empty string`);
    if (method === 'POST' && raw.bulkId === undefined) throw invalidValue(`${where}: a POST needs a bulkId (RFC 7644 §3.7)`);
    if (typeof raw.bulkId === 'string') {
      if (seen.has(raw.bulkId)) throw invalidValue(`${where}: bulkId "${raw.bulkId}" is used twice`);
      seen.add(raw.bulkId);
    }
    if (raw.version !== undefined && typeof raw.version !== 'string') throw invalidValue(`${where}.version must be a string`);
    if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && !isObject(raw.data)) throw invalidValue(`${where}.data must be an object`);
    const references = referencesIn(raw.data, referencesIn(raw.path, new Set()));
    return {
      index,
      method: method as BulkOperation['method'],
      ...(typeof raw.bulkId === 'string' && { bulkId: raw.bulkId }),
      ...(typeof raw.version === 'string' && { version: raw.version }),
      path: raw.path,
      ...(raw.data !== undefined && { data: raw.data }),
      references: [...references],
    };
  });
  return { ...(typeof failOnErrors === 'number' && { failOnErrors }), operations };
}

/** Replaces "bulkId:x" strings with the ids their operations created. */
export function resolveReferences<T>(value: T, ids: ReadonlyMap<string, string>): T {
  if (typeof value === 'string') {
    const match = REFERENCE.exec(value);
    return (match && ids.has(match[1]!) ? ids.get(match[1]!) : value) as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, ids)) as T;
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, ids)])) as T;
  return value;
}

/** The path with a "bulkId:x" segment resolved (`/Groups/bulkId:x`). */
export const resolvePath = (path: string, ids: ReadonlyMap<string, string>): string =>
  path
    .split('/')
    .map((segment) => resolveReferences(segment, ids))
    .join('/');
