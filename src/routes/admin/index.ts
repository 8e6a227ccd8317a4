import type { FastifyPluginAsync } from 'fastify';
import { adminErrorHandler, AdminError, notFoundError } from './errors.js';
import adminAccountsRoutes from './accounts.js';
import { registerAdminAuth } from './auth.js';
import { accountOf } from './context.js';
import adminUsersRoutes from './users.js';
import adminGroupsRoutes from './groups.js';
import adminEventsRoutes from './events.js';
import adminAccountSettingsRoutes from './account-settings.js';

/** /admin/api: JSON, the admin token, {"error","message"} errors (PRODUCT.md §5). */
const adminApi: FastifyPluginAsync = async (app) => {
  app.setErrorHandler(adminErrorHandler);
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no admin route ${request.method} ${request.url.split('?')[0]}` }));
  // JSON bodies with or without a Content-Type; an empty body is an empty object.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, async (request: unknown, body: string | Buffer) => {
    const text = String(body);
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new AdminError(400, 'invalid_json', 'the request body is not valid JSON');
    }
  });
  registerAdminAuth(app, accountOf);
  // Every route takes ?account=<id>; an unknown account is a 404 before any route runs.
  app.addHook('preHandler', async (request) => {
    const accountId = accountOf(request);
    if (!app.store.accounts.find(accountId)) throw notFoundError(`account "${accountId}"`);
  });
  await app.register(adminAccountsRoutes);
  await app.register(adminUsersRoutes);
  await app.register(adminGroupsRoutes);
  await app.register(adminEventsRoutes);
  await app.register(adminAccountSettingsRoutes);
};

export default adminApi;
