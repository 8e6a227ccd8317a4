import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AdminError } from './errors.js';
import { refuseCredential, sessionAllows } from './session.js';

const bearer = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  const match = header ? /^bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1]?.trim();
};

/**
 * Admin API auth (PRODUCT.md §5): the admin token passes; the SCIM token is recognised and
 * refused with 403 (it is a real credential, just not for this); anything else is 401.
 */
export function registerAdminAuth(app: FastifyInstance, accountOf: (request: FastifyRequest) => string): void {
  app.addHook('onRequest', async (request, reply) => {
    const token = bearer(request);
    const { accounts } = app.store;
    if (token && accounts.checkToken('default', 'admin', token)) return;
    // The admin view's session cookie, when no token is sent (a missing CSRF token is 403 there).
    if (!token && sessionAllows(app, request)) return;
    if (token && accounts.checkToken(accountOf(request), 'scim', token)) {
      throw new AdminError(403, 'forbidden', 'the SCIM token does not give access to the admin API; use the admin token');
    }
    reply.header('www-authenticate', 'Bearer realm="admin"');
    if (!token) throw new AdminError(401, 'unauthorized', 'an Authorization: Bearer <ADMIN_TOKEN> header is required');
    // A wrong token is a guess: counted with failed sign-ins of the view (session.ts).
    throw app.adminSessions ? refuseCredential(app.adminSessions, request, reply, 'the admin token is not valid') : new AdminError(401, 'unauthorized', 'the admin token is not valid');
  });
}
