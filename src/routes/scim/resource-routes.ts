import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceTypeDef } from '../../scim/schema/resource-types.js';
import type { RequestContext } from '../../journal.js';
import type { ListParams } from '../../scim/list-params.js';
import type { ListResult } from '../../provisioning/list.js';
import type { PatchOperation } from '../../scim/patch/apply-patch.js';
import type { JsonObject } from '../../scim/validate-resource.js';
import { readListParams } from '../../scim/list-params.js';
import { readPatchRequest } from '../../scim/patch/apply-patch.js';
import { checkProjection, project, type Projection } from '../../scim/projection.js';
import { etagOf } from '../../scim/representation.js';
import { isNotModified } from '../../scim/etag.js';
import { LIST_RESPONSE } from '../../scim/schema/urns.js';
import { invalidSyntax } from '../../scim/errors.js';
import { normaliseAttributeParams, normalisePatchBody, normaliseResourceBody } from '../../idp/normalise.js';
import { rewritesOf } from './idp-context.js';

interface Row {
  id: string;
  version: number;
}

/** What Users and Groups share; each service implements it over its own table. */
export interface ResourceService<T extends Row> {
  toScim(ctx: RequestContext, row: T, projection?: Projection): JsonObject;
  get(ctx: RequestContext, id: string): T;
  list(ctx: RequestContext, params: ListParams): ListResult<T>;
  create(ctx: RequestContext, body: unknown): T;
  replace(ctx: RequestContext, id: string, body: unknown, ifMatch?: string): T;
  patch(ctx: RequestContext, id: string, operations: PatchOperation[], ifMatch?: string): T;
  remove(ctx: RequestContext, id: string, ifMatch?: string): void;
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const ifMatch = (request: FastifyRequest) => request.headers['if-match'];


function sendResource<T extends Row>(reply: FastifyReply, rt: ResourceTypeDef, body: JsonObject, row: T, status = 200) {
  return reply.code(status).header('etag', etagOf(row.version)).send(body);
}

function listResponse<T>(result: ListResult<T>) {
  return {
    schemas: [LIST_RESPONSE],
    totalResults: result.totalResults,
    startIndex: result.startIndex,
    itemsPerPage: result.itemsPerPage,
    Resources: result.resources,
  };
}

/** RFC 7644 §3.2-3.6 for one resource type: list, search, create, get, replace, patch, delete. */
export function registerResourceRoutes<T extends Row>(app: FastifyInstance, rt: ResourceTypeDef, service: ResourceService<T>): void {
  const base = rt.endpoint;

  const listParams = (request: FastifyRequest, source: JsonObject, fromBody: boolean): ListParams =>
    normaliseAttributeParams(rt, readListParams(source, fromBody), rewritesOf(request));

  const projectionOf = (request: FastifyRequest): Projection => {
    const { attributes, excludedAttributes } = listParams(request, request.query as JsonObject, false);
    return { attributes, excludedAttributes };
  };

  app.get(base, async (request) => listResponse(service.list(request.scim, listParams(request, request.query as JsonObject, false))));

  // RFC 7644 §3.4.3: a SearchRequest body carries the same parameters as the query string.
  app.post(`${base}/.search`, async (request) => {
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
      throw invalidSyntax('a search request needs a JSON body');
    }
    return listResponse(service.list(request.scim, listParams(request, request.body as JsonObject, true)));
  });

  app.post(base, async (request, reply) => {
    const row = service.create(request.scim, normaliseResourceBody(rt, request.body, rewritesOf(request)).body);
    const body = service.toScim(request.scim, row);
    const location = (body.meta as JsonObject).location as string;
    return sendResource(reply.header('location', location), rt, body, row, 201);
  });

  app.get(`${base}/:id`, async (request: IdRequest, reply) => {
    const projection = projectionOf(request);
    checkProjection(rt, projection);
    const row = service.get(request.scim, request.params.id);
    if (isNotModified(request.headers['if-none-match'], row.version)) return reply.code(304).header('etag', etagOf(row.version)).send();
    return sendResource(reply, rt, project(rt, service.toScim(request.scim, row, projection), projection), row);
  });

  app.put(`${base}/:id`, async (request: IdRequest, reply) => {
    const body = normaliseResourceBody(rt, request.body, rewritesOf(request)).body;
    const row = service.replace(request.scim, request.params.id, body, ifMatch(request));
    return sendResource(reply, rt, service.toScim(request.scim, row), row);
  });

  app.patch(`${base}/:id`, async (request: IdRequest, reply) => {
    const operations = readPatchRequest(normalisePatchBody(rt, request.body, rewritesOf(request)).body);
    const row = service.patch(request.scim, request.params.id, operations, ifMatch(request));
    return sendResource(reply, rt, service.toScim(request.scim, row), row);
  });

  app.delete(`${base}/:id`, async (request: IdRequest, reply) => {
    service.remove(request.scim, request.params.id, ifMatch(request));
    return reply.code(204).send();
  });
}
