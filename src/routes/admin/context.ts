import type { FastifyRequest } from 'fastify';
import { redactPath, type RequestContext } from '../../journal.js';
import { DEFAULT_ACCOUNT } from '../../model/accounts.js';
import { badInput } from './errors.js';
import { baseUrlOf, scimPathOf } from '../base-url.js';

/**
 * The account an admin request acts on: `?account=<id>`, else the default (PRODUCT.md §7). Given
 * twice (`account=a&account=a`) or as `account[]=`, it is 400: those used to fall back to the
 * default account, so a reset meant for one account emptied another (issue 13).
 */
export const accountOf = (request: FastifyRequest): string => {
  const query = request.query as Record<string, unknown> | undefined;
  const account = query?.account;
  if (Array.isArray(account) || (query && Object.keys(query).some((key) => key !== 'account' && /^account(\W|$)/i.test(key)))) {
    throw badInput('account', 'give one account id, once (?account=<id>)');
  }
  return typeof account === 'string' && account !== '' ? account : DEFAULT_ACCOUNT;
};

/** A context for reading resources as SCIM shows them from the admin side. */
export function adminContext(request: FastifyRequest): RequestContext {
  return {
    accountId: accountOf(request),
    idp: 'unknown',
    method: request.method,
    path: redactPath(request.url),
    requestId: request.id,
    baseUrl: `${baseUrlOf(request)}${scimPathOf(accountOf(request))}`,
  };
}
