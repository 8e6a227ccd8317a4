import type { FastifyPluginAsync } from 'fastify';
import { pagingSchema, offsetOf } from './paging.js';
import { notFoundError } from './errors.js';
import { accountOf } from './context.js';

const adminGroupsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/groups', async (request) => {
    const query = pagingSchema.parse(request.query);
    const accountId = accountOf(request);
    const rows = app.store.groups.page(accountId, offsetOf(query), query.pageSize);
    return {
      items: rows.map((g) => ({ id: g.id, displayName: g.displayName, externalId: g.externalId, memberCount: app.store.groups.memberCount(g.seq), lastModified: g.lastModified })),
      total: app.store.groups.count(accountId),
      page: query.page,
      pageSize: query.pageSize,
    };
  });

  app.get<{ Params: { id: string } }>('/groups/:id', async (request) => {
    const query = pagingSchema.parse(request.query);
    const group = app.store.groups.findById(accountOf(request), request.params.id);
    if (!group) throw notFoundError(`group ${request.params.id}`);
    const total = app.store.groups.memberCount(group.seq);
    return {
      id: group.id,
      displayName: group.displayName,
      externalId: group.externalId,
      memberCount: total,
      createdAt: group.createdAt,
      lastModified: group.lastModified,
      members: { items: app.store.groups.members(group.seq, offsetOf(query), query.pageSize), total, page: query.page, pageSize: query.pageSize },
    };
  });
};

export default adminGroupsRoutes;
