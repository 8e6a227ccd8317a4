import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StreamedResource } from '../../provisioning/groups-service.js';
import type { ResourceTypeDef } from '../../scim/schema/resource-types.js';
import type { RequestContext } from '../../journal.js';
import type { ListParams } from '../../scim/list-params.js';
import type { ListResult } from '../../provisioning/list.js';
import type { PatchOperation } from '../../scim/patch/apply-patch.js';
import type { JsonObject } from '../../scim/validate-resource.js';
import { readListParams } from '../../scim/list-params.js';
import { checkProjection, project, type Projection } from '../../scim/projection.js';
import { etagOf } from '../../scim/representation.js';
import { RawJson } from '../../model/journal.js';
import { isNotModified } from '../../scim/etag.js';
import { LIST_RESPONSE } from '../../scim/schema/urns.js';
import { invalidSyntax } from '../../scim/errors.js';
import { normaliseAttributeParams } from '../../idp/normalise.js';
import { performWrite } from './perform-write.js';
import { rewritesOf } from './idp-context.js';
import { responseContentType } from './content-type.js';

interface Row {
  id: string;
  version: number;
}

/** What Users and Groups share; each service implements it over its own table. */
export interface ResourceService<T extends Row> {
  toScim(ctx: RequestContext, row: T, projection?: Projection): JsonObject;
  /** toScim already serialised, without parsing the stored document; null when the projection needs toScim. */
  toScimJson?(ctx: RequestContext, row: T, projection?: Projection): string | null;
  /** A big answer streamed from a read snapshot of its own (groups); null when built in memory. */
  toScimStream?(ctx: RequestContext, row: T, projection: Projection, when: 'now' | 'after-commit'): StreamedResource | null;
  get(ctx: RequestContext, id: string): T;
  list(ctx: RequestContext, params: ListParams): ListResult<T>;
  create(ctx: RequestContext, body: unknown): T;
  replace(ctx: RequestContext, id: string, body: unknown, ifMatch?: string): T;
  patch(ctx: RequestContext, id: string, operations: PatchOperation[], ifMatch?: string): T;
  remove(ctx: RequestContext, id: string, ifMatch?: string): void;
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** Responses journaled in full up to this size (as src/routes/scim/index.ts does for the others). */
const MAX_JOURNALED_RESPONSE = 64 * 1024;

/** What a write route answers: built inside the write's transaction, serialised once. */
interface Answer {
  body?: JsonObject;
  payload?: string;
  /** Instead of a payload: streamed from the snapshot taken as the write commits. */
  stream?: StreamedResource;
}

const ifMatch = (request: FastifyRequest) => request.headers['if-match'];

/**
 * A snapshot lasts as long as its response: ended when the response closes (sent, failed, or its
 * client gone), or at once when the client left before the answer was even begun (while an
 * injected latency held the request, say), since that close has come and gone.
 */
function endWithResponse(reply: FastifyReply, stream: StreamedResource): void {
  const socket = reply.raw.socket;
  if (reply.raw.destroyed || !socket || socket.destroyed) stream.close();
  else reply.raw.once('close', stream.close);
}


function sendResource<T extends Row>(reply: FastifyReply, rt: ResourceTypeDef, body: JsonObject, row: T, status = 200) {
  return reply.code(status).header('etag', etagOf(row.version)).send(body);
}

export function listResponse<T>(result: ListResult<T>) {
  if (result.json) {
    // Resources already serialised (provisioning/list.ts): the ListResponse is assembled around them.
    const head = JSON.stringify({ schemas: [LIST_RESPONSE], totalResults: result.totalResults, startIndex: result.startIndex, itemsPerPage: result.itemsPerPage });
    return `${head.slice(0, -1)},"Resources":[${result.json.join(',')}]}`;
  }
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
    normaliseAttributeParams(rt, readListParams(source, fromBody, app.limits.maxResults), rewritesOf(request));

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

  /**
   * A write's answer is built inside its transaction (provisioning/write.ts) and journaled there
   * with the request event: one commit per write, and the payload sent is the string journaled,
   * serialised once. RFC 7644 §3.9: `attributes` / `excludedAttributes` apply to the resource a
   * POST, PUT or PATCH returns (`excludedAttributes=members` keeps a 10,000-member group's PATCH
   * answer small).
   */
  const answerOf = (request: FastifyRequest, reply: FastifyReply, status: number): Answer => {
    const projection = status === 204 ? {} : projectionOf(request);
    checkProjection(rt, projection);
    const answer: Answer = {};
    request.scim.complete = (result) => {
      if (result && status !== 204) {
        // A big group's answer is streamed after the commit; like any answer over the journal's
        // 64 KB it is journaled without its body.
        answer.stream = service.toScimStream?.(request.scim, result as T, projection, 'after-commit') ?? undefined;
        if (answer.stream) endWithResponse(reply, answer.stream);
        else {
          const json = service.toScimJson?.(request.scim, result as T, projection) ?? null;
          if (json !== null) answer.payload = json;
          else {
            answer.body = project(rt, service.toScim(request.scim, result as T, projection), projection);
            answer.payload = JSON.stringify(answer.body);
          }
        }
      }
      const journaled = answer.payload !== undefined && answer.payload.length <= MAX_JOURNALED_RESPONSE ? new RawJson(answer.payload) : null;
      return { status: result ? status : 204, durationMs: Math.round(reply.elapsedTime * 100) / 100, response: journaled };
    };
    return answer;
  };

  const sendStream = (reply: FastifyReply, request: FastifyRequest, opened: NonNullable<ReturnType<StreamedResource['open']>>, status: number) =>
    reply
      .code(status)
      .header('etag', etagOf(opened.version))
      .header('content-type', responseContentType(request.headers.accept))
      .send(Readable.from(opened.pieces, { objectMode: false }));

  /**
   * A big group's answer, from the snapshot begun as its write committed: the group as that write
   * left it, read member by member while later writes go on. Only another process writing to the
   * same database between that commit and the snapshot's first read can put a later state there:
   * that state is answered, with its own ETag, as a GET would; a group it deleted is answered 204
   * with this write's ETag, and so is a write whose snapshot could not be read (an I/O error): it
   * is committed, and an IdP must not be told otherwise and send it again.
   */
  const sendStreamedAnswer = async (reply: FastifyReply, request: FastifyRequest, stream: StreamedResource, row: T, status: number) => {
    await app.store.durable();
    const opened = stream.open();
    if (!opened) return reply.code(204).header('etag', etagOf(row.version)).send();
    return sendStream(reply, request, opened, status);
  };

  const sendAnswer = (reply: FastifyReply, request: FastifyRequest, answer: Answer, row: T, status: number) => {
    if (answer.stream) return sendStreamedAnswer(reply, request, answer.stream, row, status);
    reply.code(status).header('etag', etagOf(row.version));
    if (answer.payload !== undefined) return reply.header('content-type', responseContentType(request.headers.accept)).send(answer.payload);
    // Not answered inside the transaction (a service that returned early): build it now.
    const projection = projectionOf(request);
    return reply.send(project(rt, service.toScim(request.scim, row, projection), projection));
  };

  app.post(base, async (request, reply) => {
    const answer = answerOf(request, reply, 201);
    const row = performWrite(app, rt, service, request.scim, rewritesOf(request), { method: 'POST', body: request.body })!;
    return sendAnswer(reply.header('location', `${request.scim.baseUrl}${rt.endpoint}/${row.id}`), request, answer, row, 201);
  });

  app.get(`${base}/:id`, async (request: IdRequest, reply) => {
    const projection = projectionOf(request);
    checkProjection(rt, projection);
    const row = service.get(request.scim, request.params.id);
    if (isNotModified(request.headers['if-none-match'], row.version)) return reply.code(304).header('etag', etagOf(row.version)).send();
    const stream = service.toScimStream?.(request.scim, row, projection, 'now');
    if (stream) {
      // The snapshot holds what is committed; the row above may be a pending write's (then built below).
      const opened = stream.open();
      if (opened && opened.version === row.version) {
        endWithResponse(reply, stream);
        return sendStream(reply, request, opened, 200);
      }
      stream.close();
    }
    const json = service.toScimJson?.(request.scim, row, projection) ?? null;
    if (json !== null) return reply.code(200).header('etag', etagOf(row.version)).header('content-type', responseContentType(request.headers.accept)).send(json);
    return sendResource(reply, rt, project(rt, service.toScim(request.scim, row, projection), projection), row);
  });

  app.put(`${base}/:id`, async (request: IdRequest, reply) => {
    const answer = answerOf(request, reply, 200);
    const row = performWrite(app, rt, service, request.scim, rewritesOf(request), { method: 'PUT', id: request.params.id, body: request.body, ifMatch: ifMatch(request) })!;
    return sendAnswer(reply, request, answer, row, 200);
  });

  /**
   * PRODUCT.md §8.3 `groupPatchResponse: "no-content"`: a group PATCH is answered 204 with its ETag
   * (RFC 7644 §3.5.2 allows it), unless the request asks for a projection, which it then gets.
   */
  const patchAnswersNoContent = (request: FastifyRequest): boolean => {
    if (rt.name !== 'Group' || app.store.accounts.find(request.scim.accountId)?.settings.groupPatchResponse !== 'no-content') return false;
    const { attributes, excludedAttributes } = projectionOf(request);
    return attributes === undefined && excludedAttributes === undefined;
  };

  app.patch(`${base}/:id`, async (request: IdRequest, reply) => {
    const status = patchAnswersNoContent(request) ? 204 : 200;
    const answer = answerOf(request, reply, status);
    const row = performWrite(app, rt, service, request.scim, rewritesOf(request), { method: 'PATCH', id: request.params.id, body: request.body, ifMatch: ifMatch(request) })!;
    if (status === 204) return reply.code(204).header('etag', etagOf(row.version)).send();
    return sendAnswer(reply, request, answer, row, 200);
  });

  app.delete(`${base}/:id`, async (request: IdRequest, reply) => {
    answerOf(request, reply, 204);
    performWrite(app, rt, service, request.scim, rewritesOf(request), { method: 'DELETE', id: request.params.id, ifMatch: ifMatch(request) });
    return reply.code(204).send();
  });
}
