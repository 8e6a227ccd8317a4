import type { FastifyPluginAsync } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { pagingSchema, offsetOf } from './paging.js';
import { presentEvent } from './present.js';
import { accountOf } from './context.js';

const filters = z.object({
  userId: z.string().max(100).optional(),
  groupId: z.string().max(100).optional(),
  idp: z.enum(['okta', 'entra', 'onelogin', 'unknown']).optional(),
  type: z.string().max(40).optional(),
  since: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time')
    .transform((s) => new Date(s).toISOString())
    .optional(),
  afterId: z.coerce.number().int().min(0).optional(),
});

const adminEventsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/events', async (request, reply) => {
    const query = pagingSchema.merge(filters).parse(request.query);
    const { page, pageSize, ...where } = query;
    const q = { accountId: accountOf(request), ...where };
    // Accept: application/x-ndjson streams every matching event, one JSON object per line.
    if ((request.headers.accept ?? '').includes('application/x-ndjson')) {
      const lines = (function* () {
        for (const event of app.store.events.iterate(q)) yield JSON.stringify(presentEvent(event)) + '\n';
      })();
      return reply.type('application/x-ndjson').send(Readable.from(lines));
    }
    const items = app.store.events.list({ ...q, order: 'newest', offset: offsetOf({ page, pageSize }), limit: pageSize });
    return { items: items.map(presentEvent), total: app.store.events.count(q), page, pageSize };
  });
};

export default adminEventsRoutes;
