import type { Db } from './open-database.js';
import { RawJson, type Actor, type EventQuery, type EventRow, type EventType, type NewEvent } from '../model/journal.js';

export { RawJson, type Actor, type EventQuery, type EventRow, type EventType, type NewEvent };

const json = (value: unknown) => (value === undefined || value === null ? null : value instanceof RawJson ? value.text : JSON.stringify(value));
const parse = (text: unknown) => (typeof text === 'string' ? (JSON.parse(text) as unknown) : null);

type RawEvent = Record<string, unknown>;

const fromRaw = (r: RawEvent): EventRow => ({
  id: r.id as number,
  at: r.at as string,
  type: r.type as EventType,
  actor: r.actor as Actor,
  idpInferred: r.idp_inferred === 1,
  changes: parse(r.changes),
  headers: parse(r.headers),
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

/** Inserts into one account between two prunes of its journal. */
export const PRUNE_EVERY = 500;
/** Accounts whose inserts are counted for pruning; past this the counts start over (all prune soon). */
export const MAX_COUNTED_ACCOUNTS = 10_000;
/** Deferred journal writes wait at most this long, or until this many are queued, before one transaction writes them. */
export const FLUSH_AFTER_MS = 20;
export const FLUSH_AT = 256;
/** Beyond this many queued (the database refusing writes for long), the oldest deferred writes are dropped. */
export const MAX_PENDING = 20_000;
/** Accounts whose last recognised IdP is remembered. */
export const MAX_REMEMBERED_IDPS = 10_000;

export const DEFAULT_JOURNAL_MAX_REFUSED = 1000;
export const DEFAULT_JOURNAL_MAX_BODY = 64 * 1024;

export interface JournalBounds {
  /** JOURNAL_MAX_EVENTS: events kept per account, refused requests not counted. */
  maxEvents: number;
  /** JOURNAL_MAX_REFUSED: refused requests (401) kept per account, on top of maxEvents. */
  maxRefused: number;
  /** JOURNAL_MAX_BODY: characters of JSON kept of a request or response body. */
  maxBody: number;
}

/**
 * A body's JSON text, or when it is longer than `max`, a document that says so and keeps its head:
 * the journal of a refused 9 MB body held 9 MB, and reading a page of such events took seconds and
 * gigabytes (issue 13).
 */
export function boundedJson(value: unknown, max: number): string | null {
  const text = json(value);
  if (text === null || text.length <= max) return text;
  // The head is escaped once more inside the document: shorten it until the whole fits in `max`.
  let keep = max - 64;
  for (;;) {
    const doc = JSON.stringify({ truncated: true, length: text.length, head: text.slice(0, keep) });
    if (doc.length <= max || keep === 0) return doc;
    keep = Math.max(0, keep - (doc.length - max));
  }
}

export function createEventsRepository(db: Db, bounds: JournalBounds, defaultActor: Actor = 'admin') {
  const insert = db.prepare(`INSERT INTO events (account_id, at, type, actor, idp_inferred, level, idp, request_event_id, request_id, method,
      path, status, duration_ms, user_id, group_id, trigger, message, request, response, rewrites, data, changes, headers)
    VALUES (@accountId, @at, @type, @actor, @idpInferred, @level, @idp, @requestEventId, @requestId, @method, @path, @status, @durationMs,
      @userId, @groupId, @trigger, @message, @request, @response, @rewrites, @data, @changes, @headers)`);
  const lastIdp = db.prepare<[string], string>(`SELECT idp FROM events WHERE account_id = ? AND type = 'request'
    AND idp <> 'unknown' AND idp_inferred = 0 ORDER BY id DESC LIMIT 1`).pluck();
  const caused = db.prepare<[number, string, number], { id: number; type: string }>(
    'SELECT id, type FROM events WHERE request_event_id = ? AND account_id = ? ORDER BY id LIMIT ?',
  );
  const setOutcome = db.prepare('UPDATE events SET status = ?, duration_ms = ?, response = ? WHERE id = ?');
  // Keeps the newest `keep` events of an account; one indexed range delete.
  const prune = db.prepare(`DELETE FROM events WHERE account_id = @accountId AND id <= (
      SELECT id FROM events WHERE account_id = @accountId ORDER BY id DESC LIMIT 1 OFFSET @keep)`);
  // The same for refused requests (status 401, anyone can send them) alone, on the partial index
  // events_refused (migrations/0004): `status = 401` is written out so the planner can use it.
  const pruneRefused = db.prepare(`DELETE FROM events WHERE account_id = @accountId AND status = 401 AND id <= (
      SELECT id FROM events WHERE account_id = @accountId AND status = 401 ORDER BY id DESC LIMIT 1 OFFSET @keep)`);
  const countRefused = db.prepare<[string], number>('SELECT count(*) FROM events WHERE account_id = ? AND status = 401').pluck();
  const clear = db.prepare('DELETE FROM events WHERE account_id = ?');
  const triggers = db.prepare<[string], { trigger: string; count: number }>(`SELECT trigger, count(*) AS count FROM events
    WHERE account_id = ? AND type = 'user.deprovisioned' AND trigger IS NOT NULL GROUP BY trigger ORDER BY trigger`);
  const byId = db.prepare('SELECT * FROM events WHERE account_id = ? AND id = ?');
  const setDuration = db.prepare('UPDATE events SET duration_ms = ? WHERE id = ?');
  // A request event names the user and group its first state change named; a primary-key lookup
  // that writes nothing once both are set (or when the change names neither it lacks).
  const nameRequest = db.prepare(`UPDATE events SET user_id = coalesce(user_id, @userId), group_id = coalesce(group_id, @groupId)
    WHERE id = @id AND ((user_id IS NULL AND @userId IS NOT NULL) OR (group_id IS NULL AND @groupId IS NOT NULL))`);
  const sincePrune = new Map<string, number>();

  /**
   * The IdP of each account's newest request that told its IdP itself, kept as requests are
   * journaled (a request with no signal of its own is labelled with it: PRODUCT.md §8.2), read from
   * the journal once per account, forgotten when the account's journal is cleared.
   */
  const lastIdps = new Map<string, string | null>();
  const rememberIdp = (event: NewEvent) => {
    if (event.type !== 'request' || event.idpInferred || !event.idp || event.idp === 'unknown') return;
    if (lastIdps.size >= MAX_REMEMBERED_IDPS && !lastIdps.has(event.accountId)) lastIdps.clear();
    lastIdps.set(event.accountId, event.idp);
  };

  /**
   * Journal writes that may wait: the `request` events of read-only requests (a GET changes no
   * state, so it has nothing to commit before its answer) and the final duration of a write whose
   * event, status and response were committed with the write itself. They are written together in
   * one transaction (one commit for many requests instead of one each) after FLUSH_AFTER_MS, before
   * any read of the journal and before any other transaction, and when the store closes. A kill -9
   * can lose at most the last FLUSH_AFTER_MS of them: never an event of a write (those are
   * committed in the write's own transaction before its answer is sent).
   */
  let pending: (() => void)[] = [];
  let timer: NodeJS.Timeout | null = null;

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!pending.length || !db.open) return;
    if (db.inTransaction) {
      // A rollback of someone's transaction would take the deferred events with it: later.
      schedule();
      return;
    }
    const batch = pending;
    pending = [];
    try {
      db.transaction(() => {
        for (const write of batch) write();
      }).immediate();
    } catch (error) {
      // The database refused (busy past busy_timeout, disk full): keep them for the next flush.
      pending = [...batch, ...pending].slice(-MAX_PENDING);
      schedule();
      throw error;
    }
  }

  function schedule(): void {
    if (timer || !pending.length) return;
    timer = setTimeout(() => {
      timer = null;
      try {
        flush();
      } catch {
        // kept in `pending` and retried by flush() itself
      }
    }, FLUSH_AFTER_MS);
    timer.unref();
  }

  function defer(write: () => void): void {
    pending.push(write);
    if (pending.length > MAX_PENDING) pending.shift();
    if (pending.length >= FLUSH_AT) {
      try {
        flush();
      } catch {
        // retried
      }
    } else schedule();
  }

  /** Before the journal is read: what was deferred is part of it. */
  const settle = () => {
    try {
      flush();
    } catch {
      // a read still answers with what is committed
    }
  };

  const insertParams = (event: NewEvent, at: string) => ({
    accountId: event.accountId,
    at,
    type: event.type,
    actor: event.actor ?? defaultActor,
    idpInferred: event.idpInferred ? 1 : 0,
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
    request: boundedJson(event.request, bounds.maxBody),
    response: boundedJson(event.response, bounds.maxBody),
    rewrites: json(event.rewrites),
    data: json(event.data),
    changes: json(event.changes),
    headers: json(event.headers),
  });

  /**
   * Refused requests go first, down to their own bound; then the account keeps its newest
   * maxEvents events plus the refused ones left. So refused requests never push a state event out
   * (they only replace older refused requests), and an account holds at most
   * maxEvents + maxRefused events (+ PRUNE_EVERY between prunes).
   */
  const pruneAccount = (accountId: string) => {
    pruneRefused.run({ accountId, keep: bounds.maxRefused });
    prune.run({ accountId, keep: bounds.maxEvents + countRefused.get(accountId)! });
  };

  // Counted per account: a global count pruned only the account of every 500th event, so a quiet
  // account beside a busy one grew without bound. An account's first insert since start prunes
  // too (counts are not kept across restarts).
  const countForPrune = (accountId: string) => {
    const count = sincePrune.get(accountId) ?? PRUNE_EVERY - 1;
    if (count + 1 >= PRUNE_EVERY) {
      if (sincePrune.size >= MAX_COUNTED_ACCOUNTS) sincePrune.clear();
      sincePrune.set(accountId, 0);
      pruneAccount(accountId);
    } else sincePrune.set(accountId, count + 1);
  };

  function where(q: EventQuery): { sql: string; params: Record<string, unknown> } {
    const clauses = ['account_id = @accountId'];
    if (q.userId) clauses.push('user_id = @userId');
    if (q.groupId) clauses.push('group_id = @groupId');
    if (q.idp) clauses.push('idp = @idp');
    if (q.type) clauses.push('type = @type');
    if (q.since) clauses.push('at >= @since');
    if (q.afterId !== undefined) clauses.push('id > @afterId');
    if (q.beforeId !== undefined) clauses.push('id < @beforeId');
    const { status, changesOnly, ...rest } = q;
    const params: Record<string, unknown> = { ...rest };
    if (status) {
      clauses.push('status >= @statusFrom AND status < @statusTo');
      params.statusFrom = status.from;
      params.statusTo = status.to;
    }
    if (changesOnly) clauses.push("type <> 'request'");
    return { sql: clauses.join(' AND '), params };
  }

  return {
    insert(event: NewEvent, at = new Date().toISOString()): number {
      const { lastInsertRowid } = insert.run(insertParams(event, at));
      rememberIdp(event);
      countForPrune(event.accountId);
      return Number(lastInsertRowid);
    },
    /**
     * Journals an event that nothing depends on being committed before the answer (the `request`
     * event of a read-only request): queued and written with others in one transaction shortly.
     */
    insertDeferred(event: NewEvent, at = new Date().toISOString()): void {
      const params = insertParams(event, at);
      rememberIdp(event);
      defer(() => {
        insert.run(params);
        countForPrune(event.accountId);
      });
    },
    setOutcome(id: number, status: number, durationMs: number, response: unknown): void {
      setOutcome.run(status, durationMs, boundedJson(response, bounds.maxBody), id);
    },
    /**
     * Fills the user and group a `request` event names, where it names none yet (called inside the
     * write's transaction, for each state change the request caused).
     */
    nameRequest(id: number, userId: string | null, groupId: string | null): void {
      nameRequest.run({ id, userId, groupId });
    },
    /** The final duration of a request whose event already holds its status and response. */
    setDurationDeferred(id: number, durationMs: number): void {
      defer(() => setDuration.run(durationMs, id));
    },
    /** Writes what was deferred now (the store is closing, or a reader wants it). */
    flush,
    prune(accountId: string): void {
      settle();
      pruneAccount(accountId);
    },
    /** The IdP the newest request that told its own IdP came from. */
    lastRecognisedIdp(accountId: string): string | null {
      if (!lastIdps.has(accountId)) {
        if (lastIdps.size >= MAX_REMEMBERED_IDPS) lastIdps.clear();
        settle();
        lastIdps.set(accountId, lastIdp.get(accountId) ?? null);
      }
      return lastIdps.get(accountId) ?? null;
    },
    /** The events a request caused, oldest first (its detail's `caused`). */
    caused(accountId: string, requestEventId: number, limit = 1000): { id: number; type: string }[] {
      settle();
      return caused.all(requestEventId, accountId, limit);
    },
    byId(accountId: string, id: number): EventRow | null {
      settle();
      const raw = byId.get(accountId, id) as RawEvent | undefined;
      return raw ? fromRaw(raw) : null;
    },
    deprovisionTriggers(accountId: string): { trigger: string; count: number }[] {
      settle();
      return triggers.all(accountId);
    },
    clear(accountId: string): void {
      lastIdps.delete(accountId);
      settle();
      clear.run(accountId);
    },
    count(q: Omit<EventQuery, 'order' | 'offset' | 'limit'>): number {
      settle();
      const w = where({ ...q, order: 'newest', offset: 0, limit: 0 });
      return db.prepare(`SELECT count(*) FROM events WHERE ${w.sql}`).pluck().get(w.params) as number;
    },
    list(q: EventQuery): EventRow[] {
      settle();
      const w = where(q);
      const order = q.order === 'newest' ? 'DESC' : 'ASC';
      return (db.prepare(`SELECT * FROM events WHERE ${w.sql} ORDER BY id ${order} LIMIT @limit OFFSET @offset`).all(w.params) as RawEvent[]).map(fromRaw);
    },
    /** Every matching event, newest first, without holding them all in memory (NDJSON export). */
    *iterate(q: Omit<EventQuery, 'order' | 'offset' | 'limit'>): Generator<EventRow> {
      settle();
      const w = where({ ...q, order: 'newest', offset: 0, limit: 0 });
      for (const raw of db.prepare(`SELECT * FROM events WHERE ${w.sql} ORDER BY id DESC`).iterate(w.params)) {
        yield fromRaw(raw as RawEvent);
      }
    },
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;
