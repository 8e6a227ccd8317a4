import type { FastifyRequest } from 'fastify';
import { DEFAULT_ACCOUNT } from '../../model/accounts.js';

/**
 * The detail of a SCIM 401, telling apart the usual setup mistakes (PRODUCT.md §8.4): an IdP
 * configured for Basic auth, a token pasted without its scheme, the admin token in the SCIM field.
 * RFC 6750 §2.1: `Authorization: Bearer <token>`.
 */
export function unauthorizedDetail(request: FastifyRequest): string {
  const header = request.headers.authorization?.trim();
  if (!header) return 'an Authorization: Bearer token is required';
  const [scheme = '', ...rest] = header.split(/\s+/);
  if (rest.length === 0) return 'the Authorization header has no Bearer scheme: send "Authorization: Bearer <SCIM token>"';
  if (/^basic$/i.test(scheme)) return 'Basic authentication is not supported: send the SCIM token as "Authorization: Bearer <SCIM token>"';
  if (!/^bearer$/i.test(scheme)) return `the ${scheme.slice(0, 20)} scheme is not supported: send "Authorization: Bearer <SCIM token>"`;
  const token = rest.join(' ');
  if (request.server.store.accounts.checkToken(DEFAULT_ACCOUNT, 'admin', token)) {
    return 'that is the admin token, which is for /admin/api; the SCIM API takes the SCIM token';
  }
  return 'the bearer token is not valid for this SCIM API';
}
