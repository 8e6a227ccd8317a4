import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { performance } from 'node:perf_hooks';
import { groupResourceType, userResourceType } from '../../scim/schema/resource-types.js';
import { BULK_RESPONSE } from '../../scim/schema/urns.js';
import { readBulkRequest, resolvePath, resolveReferences, type BulkOperation } from '../../scim/bulk.js';
import { ScimError, conflict, invalidValue, notFound, tooMany } from '../../scim/errors.js';
import { redact, type RequestContext } from '../../journal.js';
import { RewriteLog } from '../../idp/rewrites.js';
import { performWrite } from './perform-write.js';
import type { ResourceService } from './resource-routes.js';
import { scimErrorHandler, toScimError } from './errors.js';

interface OperationResult {
  method: string;
  bulkId?: string;
  version?: string;
  location?: string;
  status: string;
  response?: unknown;
}

/** RFC 7644 §3.7: /Bulk. Operations run one by one, each as its own journaled request; not atomic. */
const bulkRoutes: FastifyPluginAsync = async (app) => {
  const { bulkMaxOperations, bulkMaxPayload } = app.limits;

  const target = (path: string) => {
    const [, collection, id, extra] = path.split('?')[0]!.split('/');
    const rt = collection?.toLowerCase() === 'users' ? userResourceType : collection?.toLowerCase() === 'groups' ? groupResourceType : undefined;
    if (!rt || extra !== undefined) throw invalidValue(`unsupported bulk path "${path}": use /Users, /Groups or /{Users|Groups}/{id}`);
    const service: ResourceService<{ id: string; version: number }> = rt === userResourceType ? app.users : app.groups;
    return { rt, service, id };
  };

  function runOperation(request: FastifyRequest, op: BulkOperation, ids: Map<string, string>): OperationResult {
    const path = resolvePath(op.path, ids);
    const data = resolveReferences(op.data, ids);
    const log = new RewriteLog();
    const outer = request.scim;
    const ctx: RequestContext = {
      accountId: outer.accountId,
      idp: outer.idp,
      method: op.method,
      path: `${outer.path.split('/Bulk')[0]}${path}`,
      requestId: `${outer.requestId}/${op.index}`,
      baseUrl: outer.baseUrl,
      body: redact(data),
      rewrites: log.items,
      passwordDigests: outer.passwordDigests,
    };
    const started = performance.now();
    const base: OperationResult = { method: op.method, ...(op.bulkId && { bulkId: op.bulkId }), status: '' };
    let result: OperationResult;
    try {
      const { rt, service, id } = target(path);
      if ((op.method === 'POST') !== (id === undefined)) throw invalidValue(`${op.method} ${path}: ${op.method === 'POST' ? 'POST goes to a collection' : 'an id is needed'}`);
      const row = performWrite(app, rt, service, ctx, log, { method: op.method, id, body: data, ifMatch: op.version });
      if (row && op.bulkId) ids.set(op.bulkId, row.id);
      const status = op.method === 'POST' ? 201 : op.method === 'DELETE' ? 204 : 200;
      result = {
        ...base,
        status: String(status),
        // RFC 7644 §3.7.3: every successful result has `location`, a DELETE's included.
        location: `${outer.baseUrl}${rt.endpoint}/${row?.id ?? id}`,
        ...(row && { version: `W/"${row.version}"` }),
      };
    } catch (error) {
      const scimError = toScimError(error);
      if (scimError.status >= 500) request.log.error({ err: error }, 'bulk operation failed');
      result = { ...base, status: String(scimError.status), response: scimError.toDocument() };
    }
    app.journal.finish(ctx, Number(result.status), Math.round((performance.now() - started) * 100) / 100, result.response ?? null);
    return result;
  }

  /** Fails an operation without running it (a dependency failed, or the references are circular). */
  function refuse(request: FastifyRequest, op: BulkOperation, error: ScimError): OperationResult {
    const outer = request.scim;
    const ctx: RequestContext = { ...outer, method: op.method, path: `${outer.path.split('/Bulk')[0]}${op.path}`, requestId: `${outer.requestId}/${op.index}`, body: redact(op.data), requestEventId: undefined, rewrites: undefined };
    app.journal.finish(ctx, error.status, 0, error.toDocument());
    return { method: op.method, ...(op.bulkId && { bulkId: op.bulkId }), status: String(error.status), response: error.toDocument() };
  }

  app.post('/Bulk', {
    bodyLimit: bulkMaxPayload,
    // Past maxPayloadSize the answer is 413 tooMany, as PRODUCT.md §7 and RFC 7644 §3.7.4 describe.
    errorHandler: (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.code(413).send(tooMany(`the bulk request is larger than ${bulkMaxPayload} bytes (BULK_MAX_PAYLOAD)`, 413).toDocument());
      }
      return scimErrorHandler(error, request, reply);
    },
  }, async (request) => {
    const bulk = readBulkRequest(request.body, bulkMaxOperations);
    const byBulkId = new Map(bulk.operations.filter((o) => o.bulkId).map((o) => [o.bulkId!, o] as const));
    const ids = new Map<string, string>();
    const failed = new Set<string>();
    const results = new Map<number, OperationResult>();
    let errors = 0;
    let pending = [...bulk.operations];
    // Run in request order; an operation that refers to a bulkId created later waits for it.
    while (pending.length && (bulk.failOnErrors === undefined || errors < bulk.failOnErrors)) {
      const ready = pending.find((op) => op.references.every((ref) => ids.has(ref) || failed.has(ref) || !byBulkId.has(ref)));
      const batch = ready ? [ready] : pending; // nothing can run: what is left refers in a circle
      for (const op of batch) {
        if (bulk.failOnErrors !== undefined && errors >= bulk.failOnErrors) break;
        const unknown = op.references.find((ref) => !byBulkId.has(ref));
        const dependency = op.references.find((ref) => failed.has(ref));
        const result = !ready
          ? refuse(request, op, conflict(`circular bulkId references: ${op.references.map((r) => `bulkId:${r}`).join(', ')} cannot be resolved`))
          : unknown
            ? refuse(request, op, notFound(`no operation in this request has bulkId "${unknown}"`))
            : dependency
              ? refuse(request, op, conflict(`the operation with bulkId "${dependency}" failed, so this one cannot run`))
              : runOperation(request, op, ids);
        results.set(op.index, result);
        if (Number(result.status) >= 400) {
          errors++;
          if (op.bulkId) failed.add(op.bulkId);
        }
      }
      pending = pending.filter((op) => !results.has(op.index));
    }
    return { schemas: [BULK_RESPONSE], Operations: [...results.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r) };
  });
};

export default bulkRoutes;
