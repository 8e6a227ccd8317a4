import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { detectIdp } from '../idp/detect-idp.js';
import { DEFAULT_ACCOUNT } from '../model/accounts.js';
import { baseUrlOf } from './base-url.js';

/** Longest path kept in the journal: unknown routes are anyone's to send, of any length. */
export const MAX_JOURNALED_PATH = 2000;

const SCIM_RESOURCE = /\/(?:Users|Groups|ServiceProviderConfig|ResourceTypes|Schemas|Bulk|\.search)(?:[/?]|$)/i;

/**
 * A request that reaches no route (PRODUCT.md §8.3): an IdP given a wrong base URL (`/Users`,
 * `/scim/Users`, `/v2/Users`) learns the right one, and the admin sees the attempt in the journal.
 */
export function notFoundHandler(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  let base = '';
  try {
    base = baseUrlOf(request);
  } catch {
    // A Host that is no host: the paths alone still say where to go.
  }
  const path = request.url.split('?')[0]!;
  const resource = SCIM_RESOURCE.exec(request.url);
  const account = /^\/accounts\/([a-z0-9-]{1,40})\//i.exec(request.url)?.[1];
  const scimBase = account ? `${base}/accounts/${account}/scim/v2` : `${base}/scim/v2`;
  const guess = resource ? ` Did you mean ${scimBase}${request.url.slice(resource.index, resource.index + 500)} ?` : '';
  const detail =
    `No route ${request.method} ${path.slice(0, 200)}. The SCIM base URL is ${base}/scim/v2 ` +
    `(another account's: ${base}/accounts/<id>/scim/v2); the admin view is ${base}/admin.${guess}`;
  const document = {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '404',
    detail,
    scimBaseUrls: [`${base}/scim/v2`, `${base}/accounts/{id}/scim/v2`],
  };
  journalUnrouted(this, request, reply.code(404), document);
  return reply.header('content-type', 'application/json; charset=utf-8').send(document);
}

/**
 * The journal's record of a request no route took, under the default account. Kept to this one
 * function (a bounded path, no body, deferred for reads) so a flood of them is cheap to limit here.
 */
function journalUnrouted(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, response: unknown): void {
  const path = request.url.length > MAX_JOURNALED_PATH ? `${request.url.slice(0, MAX_JOURNALED_PATH)}…` : request.url;
  const context = {
    accountId: DEFAULT_ACCOUNT,
    idp: detectIdp(request.headers['user-agent'], undefined),
    method: request.method,
    path,
    requestId: request.id,
    baseUrl: '',
  };
  try {
    app.journal.finish(context, reply.statusCode, Math.round(reply.elapsedTime * 100) / 100, response);
  } catch (error) {
    request.log.error({ err: error }, 'could not journal an unrouted request');
  }
}
