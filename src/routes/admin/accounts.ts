import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ACCOUNT_ID, AccountRefused, createAccount, deleteAccount } from '../../zoominfo/accounts.js';
import { baseUrlOf, scimPathOf } from '../base-url.js';
import { conflictError, notFoundError } from './errors.js';
import { pagingSchema, offsetOf } from './paging.js';

const newAccount = z
  .object({
    id: z.string().regex(ACCOUNT_ID, '1-40 characters of a-z, 0-9 and "-"'),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** Several independent ZoomInfo accounts on one sandbox (PRODUCT.md §7). */
const adminAccountsRoutes: FastifyPluginAsync = async (app) => {
  const present = (request: Parameters<typeof baseUrlOf>[0], account: { id: string; name: string; createdAt: string }) => ({
    id: account.id,
    name: account.name,
    createdAt: account.createdAt,
    scimBaseUrl: `${baseUrlOf(request)}${scimPathOf(account.id)}`,
  });

  app.get('/accounts', async (request) => {
    const query = pagingSchema.parse(request.query);
    const all = app.store.accounts.list();
    const items = all.slice(offsetOf(query), offsetOf(query) + query.pageSize).map((a) => present(request, a));
    return { items, total: all.length, page: query.page, pageSize: query.pageSize };
  });

  app.post('/accounts', async (request, reply) => {
    const input = newAccount.parse(request.body ?? {});
    try {
      const { token } = createAccount(app.store, input.id, input.name ?? input.id);
      const account = app.store.accounts.find(input.id)!;
      return reply.code(201).send({ ...present(request, account), scimToken: token });
    } catch (error) {
      if (error instanceof AccountRefused) throw conflictError('exists', error.message);
      throw error;
    }
  });

  app.delete<{ Params: { id: string } }>('/accounts/:id', async (request, reply) => {
    if (!app.store.accounts.find(request.params.id)) throw notFoundError(`account "${request.params.id}"`);
    try {
      deleteAccount(app.store, request.params.id);
    } catch (error) {
      if (error instanceof AccountRefused) throw conflictError('default_account', error.message);
      throw error;
    }
    return reply.code(204).send();
  });
};

export default adminAccountsRoutes;
