import type { Db } from './open-database.js';

export type EventType =
  | 'request'
  | 'user.provisioned'
  | 'user.updated'
  | 'user.deprovisioned'
  | 'user.reactivated'
  | 'user.deleted'
  | 'group.created'
  | 'group.updated'
  | 'group.deleted'
  | 'member.added'
  | 'member.removed'
  | 'settings.changed'
  | 'guard.refused'
  | 'guard.forced'
  | 'token.rotated'
  | 'fault.injected';

export interface NewEvent {
  accountId: string;
  type: EventType;
  level?: 'info' | 'warning';
  idp?: string;
  requestEventId?: number | null;
  requestId?: string | null;
  method?: string | null;
  path?: string | null;
  status?: number | null;
  durationMs?: number | null;
  userId?: string | null;
  groupId?: string | null;
  trigger?: string | null;
  message?: string | null;
  request?: unknown;
  response?: unknown;
  rewrites?: unknown;
  data?: unknown;
}

export interface EventRow {
  id: number;
  at: string;
  type: EventType;
  level: string;
  idp: string;
  requestEventId: number | null;
  requestId: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  durationMs: number | null;
  userId: string | null;
  groupId: string | null;
  trigger: string | null;
  message: string | null;
  request: unknown;
  response: unknown;
  rewrites: unknown;
  data: unknown;
}

export interface EventQuery {
  accountId: string;
  userId?: string;
  groupId?: string;
  idp?: string;
  type?: string;
  since?: string;
  /** Only events with an id above this one (for live tails). */
  afterId?: number;
  order: 'newest' | 'oldest';
  offset: number;
  limit: number;
}

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
const parse = (text: unknown) => (typeof text === 'string' ? (JSON.parse(text) as unknown) : null);

type RawEvent = Record<string, unknown>;

const fromRaw = (r: RawEvent): EventRow => ({
  id: r.id as number,
  at: r.at as string,
  type: r.type as EventType,
  level: r.level as string,
  idp: r.idp as string,
  requestEventId: (r.request_event_id as number | null) ?? null,
  requestId: (r.request_id as string | null) ?? null,
  method: (r.method as string | null) ?? null,
  path: (r.path as string | null) ?? null,
  status: (r.status as number | null) ?? null,
  durationMs: (r.duration_ms as number | null) ?? null,
  userId: (r.user_id as string | null) ?? null,
  groupId: (r.group_id as string | null) ?? null,
  trigger: (r.trigger as string | null) ?? null,
  message: (r.message as string | null) ?? null,
  request: parse(r.request),
  response: parse(r.response),
  rewrites: parse(r.rewrites),
  data: parse(r.data),
});

const PRUNE_EVERY = 500;

export function createEventsRepository(db: Db, maxEvents: number) {
  const insert = db.prepare(`INSERT INTO events (account_id, at, type, level, idp, request_event_id, request_id, method,
      path, status, duration_ms, user_id, group_id, trigger, message, request, response, rewrites, data)
    VALUES (@accountId, @at, @type, @level, @idp, @requestEventId, @requestId, @method, @path, @status, @durationMs,
      @userId, @groupId, @trigger, @message, @request, @response, @rewrites, @data)`);
  const setOutcome = db.prepare('UPDATE events SET status = ?, duration_ms = ?, response = ? WHERE id = ?');
  // Keeps the newest `maxEvents` of each account; one indexed range delete.
  const prune = db.prepare(`DELETE FROM events WHERE account_id = @accountId AND id <= (
      SELECT id FROM events WHERE account_id = @accountId ORDER BY id DESC LIMIT 1 OFFSET @keep)`);
  const clear = db.prepare('DELETE FROM events WHERE account_id = ?');
  const triggers = db.prepare<[string], { trigger: string; count: number }>(`SELECT trigger, count(*) AS count FROM events
    WHERE account_id = ? AND type = 'user.deprovisioned' AND trigger IS NOT NULL GROUP BY trigger ORDER BY trigger`);
  // SCIM writes that carried a deactivation and were refused: a trigger that produced no outcome.
  const refusedDeactivations = db.prepare<[string], number>(`SELECT count(*) FROM events WHERE account_id = ? AND type = 'request'
    AND status >= 400 AND method IN ('PATCH', 'PUT') AND path LIKE '%/Users/%' AND request LIKE '%"active"%'`).pluck();
  const byId = db.prepare('SELECT * FROM events WHERE account_id = ? AND id = ?');
  let sincePrune = 0;

  function where(q: EventQuery): { sql: string; params: Record<string, unknown> } {
    const clauses = ['account_id = @accountId'];
    if (q.userId) clauses.push('user_id = @userId');
    if (q.groupId) clauses.push('group_id = @groupId');
    if (q.idp) clauses.push('idp = @idp');
    if (q.type) clauses.push('type = @type');
    if (q.since) clauses.push('at >= @since');
    if (q.afterId !== undefined) clauses.push('id > @afterId');
    return { sql: clauses.join(' AND '), params: { ...q } };
  }

  return {
    insert(event: NewEvent, at = new Date().toISOString()): number {
      const { lastInsertRowid } = insert.run({
        accountId: event.accountId,
        at,
        type: event.type,
        level: event.level ?? 'info',
        idp: event.idp ?? 'unknown',
        requestEventId: event.requestEventId ?? null,
        requestId: event.requestId ?? null,
        method: event.method ?? null,
        path: event.path ?? null,
        status: event.status ?? null,
        durationMs: event.durationMs ?? null,
        userId: event.userId ?? null,
        groupId: event.groupId ?? null,
        trigger: event.trigger ?? null,
        message: event.message ?? null,
        request: json(event.request),
        response: json(event.response),
        rewrites: json(event.rewrites),
        data: json(event.data),
      });
      if (++sincePrune >= PRUNE_EVERY) {
        sincePrune = 0;
        prune.run({ accountId: event.accountId, keep: maxEvents });
      }
      return Number(lastInsertRowid);
    },
    setOutcome(id: number, status: number, durationMs: number, response: unknown): void {
      setOutcome.run(status, durationMs, json(response), id);
    },
    prune(accountId: string): void {
      prune.run({ accountId, keep: maxEvents });
    },
    byId(accountId: string, id: number): EventRow | null {
      const raw = byId.get(accountId, id) as RawEvent | undefined;
      return raw ? fromRaw(raw) : null;
    },
    deprovisionTriggers(accountId: string): { trigger: string; count: number }[] {
      return triggers.all(accountId);
    },
    refusedDeactivations(accountId: string): number {
      return refusedDeactivations.get(accountId)!;
    },
    clear(accountId: string): void {
      clear.run(accountId);
    },
    count(q: Omit<EventQuery, 'order' | 'offset' | 'limit'>): number {
      const w = where({ ...q, order: 'newest', offset: 0, limit: 0 });
      return db.prepare(`SELECT count(*) FROM events WHERE ${w.sql}`).pluck().get(w.params) as number;
    },
    list(q: EventQuery): EventRow[] {
      const w = where(q);
      const order = q.order === 'newest' ? 'DESC' : 'ASC';
      return (db.prepare(`SELECT * FROM events WHERE ${w.sql} ORDER BY id ${order} LIMIT @limit OFFSET @offset`).all(w.params) as RawEvent[]).map(fromRaw);
    },
    /** Every matching event, newest first, without holding them all in memory (NDJSON export). */
    *iterate(q: Omit<EventQuery, 'order' | 'offset' | 'limit'>): Generator<EventRow> {
      const w = where({ ...q, order: 'newest', offset: 0, limit: 0 });
      for (const raw of db.prepare(`SELECT * FROM events WHERE ${w.sql} ORDER BY id DESC`).iterate(w.params)) {
        yield fromRaw(raw as RawEvent);
      }
    },
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;
