import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../../journal.js';
import { DEFAULT_ACCOUNT } from '../../store/accounts-repository.js';
import { baseUrlOf } from '../base-url.js';


/** The account an admin request acts on. */
export const accountOf = (_request: FastifyRequest): string => DEFAULT_ACCOUNT;

/** A context for reading resources as SCIM shows them from the admin side. */
export function adminContext(request: FastifyRequest): RequestContext {
  return {
    accountId: accountOf(request),
    idp: 'unknown',
    method: request.method,
    path: request.url,
    requestId: request.id,
    baseUrl: `${baseUrlOf(request)}/scim/v2`,
  };
}
