import { readFileSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { parse } from 'yaml';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { default as addFormatsPlugin } from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OPENAPI_PATH } from '../../src/routes/docs.js';

// Checks real responses against openapi/openapi.yaml (PRODUCT.md §6): the status must be described
// for the operation (or, for a request that matched no route, for its path prefix in
// x-unmatched-routes), the content type must be one the response lists, required headers must be
// there, and a JSON (or NDJSON) body must match the schema, as JSON Schema 2020-12.

type Json = Record<string, unknown>;

export interface ResponseMismatch {
  method: string;
  url: string;
  status: number;
  /** The Fastify route pattern, or undefined when no route matched. */
  route: string | undefined;
  problem: string;
}

export interface ObservedResponse {
  method: string;
  url: string;
  /** request.routeOptions.url: the Fastify route pattern, e.g. /scim/v2/Users/:id */
  route: string | undefined;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The body as sent; undefined when it was not captured (a file stream). */
  body: string | undefined;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const ROOT_ID = 'urn:zi-scim:openapi';

// ajv 8 ships CommonJS with `exports.default`; under NodeNext the default import is the module.
const addFormats = ((addFormatsPlugin as unknown as { default?: unknown }).default ?? addFormatsPlugin) as unknown as (ajv: Ajv2020) => void;

/** Fastify's route pattern as an OpenAPI path: `:id` is `{id}` and a wildcard `*` is `{path}`. */
export function toOpenApiPath(route: string): string {
  const path = route.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

const deref = (doc: Json, value: unknown): unknown => {
  let current = value;
  for (let hops = 0; hops < 10 && current && typeof current === 'object' && typeof (current as Json).$ref === 'string'; hops += 1) {
    const pointer = (current as Json).$ref as string;
    if (!pointer.startsWith('#/')) throw new Error(`only local references are supported: ${pointer}`);
    current = pointer
      .slice(2)
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
    if (current === undefined) throw new Error(`unresolvable reference ${pointer}`);
  }
  return current;
};

/** A deep copy whose `$ref`s to #/components/schemas point into the schema registered with ajv. */
function rewriteRefs(value: unknown, prefix: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, prefix));
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')) {
      out[key] = `${prefix}#/$defs/${inner.slice('#/components/schemas/'.length)}`;
    } else if (key === 'properties' && inner && typeof inner === 'object') {
      // Property names are not keywords: a property called "$ref" (SCIM has several) keeps its schema.
      out[key] = Object.fromEntries(Object.entries(inner).map(([name, schema]) => [name, rewriteRefs(schema, prefix)]));
    } else {
      out[key] = rewriteRefs(inner, prefix);
    }
  }
  return out;
}

/** Paths compare without case and without parameter names (`{id}` is `{accountId}`'s equal). */
const pathKey = (path: string) => path.toLowerCase().replace(/\{[^}]*\}/g, '{}');

/** An x-unmatched-routes prefix (which may hold `{parameters}`) as a pattern for request paths. */
const prefixPattern = (prefix: string) =>
  prefix === '/'
    ? /^\//
    : new RegExp(`^${prefix.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]*\\?\}/g, '[^/]+')}(?:/|$)`, 'i');

const mediaTypeOf = (header: unknown): string | undefined =>
  typeof header === 'string' ? header.split(';')[0]!.trim().toLowerCase() : undefined;

const isJsonMediaType = (type: string) => type === 'application/json' || type.endsWith('+json');

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 8)
    .map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}

const excerpt = (body: string | undefined) => (body === undefined ? '' : body.length > 300 ? `${body.slice(0, 300)}...` : body);

export class OpenApiValidator {
  readonly document: Json;
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<unknown, ValidateFunction>();
  /** Every path item under each of its servers' base paths, keyed without case or parameter names. */
  private readonly paths = new Map<string, { path: string; item: Json }>();

  constructor(path: string = OPENAPI_PATH) {
    this.document = parse(readFileSync(path, 'utf8')) as Json;
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, validateFormats: true });
    addFormats(this.ajv);
    // OpenAPI 3.1's own schema keywords, on top of JSON Schema 2020-12.
    this.ajv.addVocabulary(['discriminator', 'xml', 'externalDocs', 'example']);
    const schemas = ((this.document.components as Json | undefined)?.schemas ?? {}) as Json;
    this.ajv.addSchema({ $id: ROOT_ID, $defs: rewriteRefs(schemas, '') });
    const rootServers = (this.document.servers ?? [{ url: '/' }]) as Json[];
    for (const [path, item] of Object.entries((this.document.paths ?? {}) as Json)) {
      // A path item with its own servers is served under each of their base paths (the SCIM API
      // of every account: /scim/v2/Users and /accounts/{accountId}/scim/v2/Users).
      for (const server of ((item as Json).servers ?? rootServers) as Json[]) {
        const base = String(server.url).replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\/+$/, '');
        const full = `${base}${path}`;
        this.paths.set(pathKey(full), { path: full, item: item as Json });
      }
    }
  }

  /** The path item documenting a Fastify route pattern (paths match without case, as the router does). */
  pathItem(route: string): Json | undefined {
    return this.paths.get(pathKey(toOpenApiPath(route)))?.item;
  }

  /** Every (path, method) the document describes, under each server base path: `GET /scim/v2/Users/{id}`. */
  operations(): string[] {
    const out: string[] = [];
    for (const { path, item } of this.paths.values()) {
      for (const method of METHODS) if (item[method]) out.push(`${method.toUpperCase()} ${path}`);
    }
    return out;
  }

  /** A compiled validator for a schema of the document (its $refs resolved against components.schemas). */
  compile(schema: unknown): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema, ROOT_ID) as Json);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  /** The documented responses for this request: its operation's, or its prefix's when no route matched. */
  private responsesFor(method: string, url: string, route: string | undefined): Json | string {
    const verb = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    if (route !== undefined) {
      const item = this.pathItem(route);
      if (!item) return `the route ${route} is not described in openapi.yaml (looked for ${toOpenApiPath(route)})`;
      const operation = item[verb] as Json | undefined;
      if (!operation) return `${method} ${toOpenApiPath(route)} is not described in openapi.yaml`;
      return deref(this.document, operation.responses) as Json;
    }
    const path = url.split('?')[0]!.replace(/\/{2,}/g, '/');
    const prefixes = Object.keys((this.document['x-unmatched-routes'] ?? {}) as Json).sort((a, b) => b.length - a.length);
    const prefix = prefixes.find((p) => prefixPattern(p).test(path));
    if (!prefix) return `no route matched ${path} and no x-unmatched-routes prefix covers it`;
    return (this.document['x-unmatched-routes'] as Json)[prefix] as Json;
  }

  /** What is wrong with this response, by the document; empty when it matches. */
  check(observed: ObservedResponse): string[] {
    const { method, url, route, status, headers, body } = observed;
    const responses = this.responsesFor(method, url, route);
    if (typeof responses === 'string') return [responses];
    const code = String(status);
    const declared = responses[code] ?? responses[`${code[0]}XX`] ?? responses.default;
    if (!declared) {
      const where = route === undefined ? 'for an unmatched route' : `for ${method.toUpperCase()} ${toOpenApiPath(route)}`;
      return [`undocumented status ${status} ${where} (documented: ${Object.keys(responses).join(', ')}); body: ${excerpt(body)}`];
    }
    const response = deref(this.document, declared) as Json;
    const problems: string[] = [];

    for (const [name, rawHeader] of Object.entries((response.headers ?? {}) as Json)) {
      const header = deref(this.document, rawHeader) as Json;
      const value = headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`missing required header ${name}`);
        continue;
      }
      if (header.schema) {
        const validate = this.compile(header.schema);
        const text = Array.isArray(value) ? value.join(', ') : String(value);
        if (!validate(text)) problems.push(`header ${name}: ${JSON.stringify(text)} ${describeErrors(validate.errors)}`);
      }
    }

    const content = response.content as Json | undefined;
    const isHead = method.toUpperCase() === 'HEAD';
    const empty = body === undefined ? false : body.length === 0;
    if (!content || Object.keys(content).length === 0) {
      if (body !== undefined && !empty) problems.push(`the response has no documented body, got: ${excerpt(body)}`);
      return problems;
    }
    const type = mediaTypeOf(headers['content-type']);
    if (type === undefined) {
      if (!isHead) problems.push('the response has no Content-Type');
      return problems;
    }
    const key = Object.keys(content).find((k) => k.toLowerCase() === type) ?? Object.keys(content).find((k) => k === '*/*' || (k.endsWith('/*') && type.startsWith(k.slice(0, -1))));
    if (!key) return [...problems, `undocumented content type ${type} (documented: ${Object.keys(content).join(', ')})`];
    const schema = (deref(this.document, content[key]) as Json).schema;
    if (isHead || body === undefined || schema === undefined) return problems;

    const validate = this.compile(schema);
    const check = (text: string, where: string) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        problems.push(`${where}is not JSON: ${excerpt(text)}`);
        return;
      }
      if (!validate(value)) problems.push(`${where}does not match the schema: ${describeErrors(validate.errors)}; body: ${excerpt(text)}`);
    };
    if (type === 'application/x-ndjson') {
      body.split('\n').forEach((line, i) => {
        if (line.trim() !== '') check(line, `line ${i + 1} `);
      });
    } else if (isJsonMediaType(type)) {
      check(body, 'the body ');
    } else if (!validate(body)) {
      problems.push(`the body does not match the schema: ${describeErrors(validate.errors)}`);
    }
    return problems;
  }
}

let shared: OpenApiValidator | undefined;
/** One parsed and compiled document per test file (worker). */
export const sharedValidator = (): OpenApiValidator => (shared ??= new OpenApiValidator());

const captured = new WeakMap<FastifyRequest, { body: string | undefined; chunks?: Buffer[] }>();

const isStream = (payload: unknown): payload is Readable =>
  payload !== null && typeof payload === 'object' && typeof (payload as Readable).pipe === 'function';

/**
 * Checks every response this app sends against the document and appends what does not match to
 * `mismatches`. Added after the app's own plugins, so its onSend hook runs last and sees the
 * payload exactly as it goes out (after the SCIM scope's 401 rewrite, for example).
 */
export function watchResponses(app: FastifyInstance, mismatches: ResponseMismatch[], validator: OpenApiValidator = sharedValidator()): void {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (typeof payload === 'string') captured.set(request, { body: payload });
    else if (Buffer.isBuffer(payload)) captured.set(request, { body: payload.toString('utf8') });
    else if (payload === null || payload === undefined) captured.set(request, { body: '' });
    else if (isStream(payload) && /json/i.test(String(reply.getHeader('content-type') ?? ''))) {
      // A streamed JSON body (the journal's NDJSON): record it on its way out.
      const chunks: Buffer[] = [];
      const tee = new Transform({
        transform(chunk: Buffer | string, _encoding, done) {
          chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
          done(null, chunk);
        },
      });
      captured.set(request, { body: undefined, chunks });
      payload.on('error', (error) => tee.destroy(error));
      return payload.pipe(tee);
    } else captured.set(request, { body: undefined });
    return payload;
  });

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const seen = captured.get(request);
    const body = seen?.chunks ? Buffer.concat(seen.chunks).toString('utf8') : seen?.body;
    const observed: ObservedResponse = {
      method: request.method,
      url: request.url,
      route: request.routeOptions?.url,
      status: reply.statusCode,
      headers: reply.getHeaders() as ObservedResponse['headers'],
      body,
    };
    let problems: string[];
    try {
      problems = validator.check(observed);
    } catch (error) {
      problems = [`the validator failed: ${(error as Error).message}`];
    }
    for (const problem of problems) mismatches.push({ method: observed.method, url: observed.url, status: observed.status, route: observed.route, problem });
  });
}

/** One readable report of every mismatch, for an Error message. */
export function formatMismatches(mismatches: ResponseMismatch[]): string {
  const lines = mismatches.slice(0, 50).map((m) => `- ${m.method} ${m.url} -> ${m.status}${m.route ? ` (route ${m.route})` : ''}: ${m.problem}`);
  if (mismatches.length > 50) lines.push(`... and ${mismatches.length - 50} more`);
  return `${mismatches.length} response(s) do not match openapi/openapi.yaml:\n${lines.join('\n')}`;
}
