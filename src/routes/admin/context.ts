import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../journal.js';
import { DEFAULT_ACCOUNT } from '../../store/accounts-repository.js';
import { baseUrlOf, scimPathOf } from '../base-url.js';

/** The account an admin request acts on: `?account=<id>`, else the default (PRODUCT.md §7). */
export const accountOf = (request: FastifyRequest): string => {
  const account = (request.query as Record<string, unknown> | undefined)?.account;
  return typeof account === 'string' && account !== '' ? account : DEFAULT_ACCOUNT;
};

/** A context for reading resources as SCIM shows them from the admin side. */
export function adminContext(request: FastifyRequest): RequestContext {
  return {
    accountId: accountOf(request),
    idp: 'unknown',
    method: request.method,
    path: request.url,
    requestId: request.id,
    baseUrl: `${baseUrlOf(request)}${scimPathOf(accountOf(request))}`,
  };
}
