import type { FastifyPluginAsync, FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { EventQuery } from '../../model/journal.js';
import { pagingSchema, offsetOf } from './paging.js';
import { presentEvents } from './present.js';
import { accountOf } from './context.js';
import { notFoundError } from './errors.js';

/** The store as the app decorates it: routes name no module of src/store (docs/storage.md). */
type Store = FastifyInstance['store'];

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
  // One status (429) or a class (2xx, 4xx, 5xx): the range [from, to) the SQL compares with.
  status: z
    .string()
    .regex(/^(?:[1-5]\d\d|[1-5]xx)$/i, 'an HTTP status such as 429, or a class such as 2xx, 4xx or 5xx')
    .transform((s) => (/xx$/i.test(s) ? { from: Number(s[0]) * 100, to: Number(s[0]) * 100 + 100 } : { from: Number(s), to: Number(s) + 1 }))
    .optional(),
});

const eventId = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

const EXPORT_PAGE = 100;

/**
 * Every matching event as NDJSON, newest first, read a page at a time. Not through an open SQLite
 * iterator: while one is open better-sqlite3 refuses every write on the connection, and a slow
 * reader of the export kept it open, so every SCIM write and settings change answered 500 until
 * the export finished. Each page starts below the last id sent (events written meanwhile are
 * newer, so none is missed or sent twice), and each event is its own chunk: joining a page into
 * one string failed with "Invalid string length" once events were large (issue 13).
 */
function* exportLines(store: Store, q: Omit<EventQuery, 'order' | 'offset' | 'limit'>): Generator<string> {
  let beforeId: number | undefined;
  for (;;) {
    const page = store.events.list({ ...q, beforeId, order: 'newest', offset: 0, limit: EXPORT_PAGE });
    for (const event of presentEvents(store, q.accountId, page)) yield JSON.stringify(event) + '\n';
    if (page.length < EXPORT_PAGE) return;
    beforeId = page[page.length - 1]!.id;
  }
}

const adminEventsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/events', async (request, reply) => {
    const query = pagingSchema.merge(filters).parse(request.query);
    const { page, pageSize, ...where } = query;
    const q = { accountId: accountOf(request), ...where };
    // Accept: application/x-ndjson streams every matching event, one JSON object per line.
    if ((request.headers.accept ?? '').includes('application/x-ndjson')) {
      return reply.type('application/x-ndjson').send(Readable.from(exportLines(app.store, q)));
    }
    const items = app.store.events.list({ ...q, order: 'newest', offset: offsetOf({ page, pageSize }), limit: pageSize });
    return { items: presentEvents(app.store, q.accountId, items), total: app.store.events.count(q), page, pageSize };
  });

  app.get('/events/:id', async (request) => {
    const { id } = eventId.parse(request.params);
    const accountId = accountOf(request);
    const event = app.store.events.byId(accountId, id);
    if (!event) throw notFoundError(`event ${id}`);
    const [presented] = presentEvents(app.store, accountId, [event]);
    // PRODUCT.md §8.2: a request's detail lists the events it caused.
    if (event.type === 'request') return { ...presented, caused: app.store.events.caused(accountId, event.id) };
    return presented;
  });
};

export default adminEventsRoutes;
