import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { pagingSchema, offsetOf } from './paging.js';
import { presentEvents, presentUser } from './present.js';
import { asLockout, conflictError, notFoundError } from './errors.js';
import { addLocalUser, changeLocalUser, NotLocal } from '../../zoominfo/local-users.js';
import { accountOf, adminContext } from './context.js';

const listQuery = pagingSchema.extend({
  status: z.enum(['active', 'deprovisioned', 'all']).default('all'),
  q: z.string().max(200).optional(),
});

const newLocalUser = z
  .object({
    userName: z.string().trim().min(1).max(256),
    name: z.object({ givenName: z.string().max(256).optional(), familyName: z.string().max(256).optional(), formatted: z.string().max(512).optional() }).strict().optional(),
    role: z.enum(['User', 'Admin']).default('User'),
    password: z.string().min(1).max(1024).optional(),
    force: z.boolean().default(false),
  })
  .strict();

const localUserChange = z
  .object({ active: z.boolean().optional(), role: z.enum(['User', 'Admin']).optional(), force: z.boolean().default(false) })
  .strict();

const TIMELINE_LIMIT = 1000;

const adminUsersRoutes: FastifyPluginAsync = async (app) => {
  app.get('/users', async (request) => {
    const query = listQuery.parse(request.query);
    const { rows, total } = app.store.users.search({
      accountId: accountOf(request),
      status: query.status,
      q: query.q?.trim() || undefined,
      offset: offsetOf(query),
      limit: query.pageSize,
    });
    const accountId = accountOf(request);
    const ids = rows.map((r) => r.id);
    const groups = app.store.names.groupCounts(accountId, ids);
    const idps = app.store.names.provisioningIdps(accountId, ids);
    // Beside each user: how many groups they are in, and which IdP provisioned them (PRODUCT.md §8.2).
    const items = rows.map((row) => ({ ...presentUser(row), groups: groups.get(row.id) ?? 0, idp: idps.get(row.id) ?? null }));
    return { items, total, page: query.page, pageSize: query.pageSize };
  });

  app.post('/users', async (request, reply) => {
    const { force, ...input } = newLocalUser.parse(request.body ?? {});
    const accountId = accountOf(request);
    if (app.store.users.findByUserName(accountId, input.userName)) throw conflictError('uniqueness', `userName "${input.userName}" is already taken`);
    try {
      return reply.code(201).send(presentUser(addLocalUser(app.store, accountId, input, force)));
    } catch (error) {
      throw asLockout(error);
    }
  });

  // Deactivating, reactivating, promoting or demoting a local user, as ZoomInfo's own user page does.
  app.patch<{ Params: { id: string } }>('/users/:id', async (request) => {
    const { force, ...change } = localUserChange.parse(request.body ?? {});
    const accountId = accountOf(request);
    const row = app.store.users.findById(accountId, request.params.id);
    if (!row) throw notFoundError(`user ${request.params.id}`);
    try {
      return presentUser(changeLocalUser(app.store, row, change, force));
    } catch (error) {
      if (error instanceof NotLocal) throw conflictError('managed_by_idp', error.message);
      throw asLockout(error);
    }
  });

  app.get<{ Params: { id: string } }>('/users/:id', async (request) => {
    const accountId = accountOf(request);
    const row = app.store.users.findById(accountId, request.params.id);
    if (!row) throw notFoundError(`user ${request.params.id}`);
    // The newest TIMELINE_LIMIT events, shown oldest first. Reading the oldest ones instead cut a
    // long-lived user's timeline before its latest events: the deprovisioning went missing.
    const changes = app.store.events.list({ accountId, userId: row.id, changesOnly: true, order: 'newest', offset: 0, limit: TIMELINE_LIMIT });
    // PRODUCT.md §8.2: the timeline holds the requests that touched the user too, beside what they
    // caused: those the request event names, and those its changes point at.
    const requestIds = new Set(changes.map((e) => e.requestEventId).filter((id): id is number => id !== null));
    const named = app.store.events.list({ accountId, userId: row.id, type: 'request', order: 'newest', offset: 0, limit: TIMELINE_LIMIT });
    for (const e of named) requestIds.delete(e.id);
    const requests = [...named, ...[...requestIds].map((id) => app.store.events.byId(accountId, id)).filter((e) => e !== null)];
    const timeline = [...changes, ...requests].sort((a, b) => a.id - b.id);
    const presented = presentEvents(app.store, accountId, timeline);
    return {
      ...presentUser(row),
      resource: app.users.toScim(adminContext(request), row),
      timeline: presented,
      requests: presented.filter((e) => e.type === 'request'),
    };
  });
};

export default adminUsersRoutes;
