import type { PgDb } from './pg-db.js';
import { eventFromRow, limitOf, offsetOf } from './rows.js';
// The journal's bounds are the SQLite repository's: both backends prune and flush alike.
import {
  boundedJson,
  FLUSH_AFTER_MS,
  FLUSH_AT,
  MAX_COUNTED_ACCOUNTS,
  MAX_PENDING,
  MAX_REMEMBERED_IDPS,
  PRUNE_EVERY,
  type Actor,
  type EventQuery,
  type EventRow,
  type EventsRepository,
  type JournalBounds,
  type NewEvent,
} from '../events-repository.js';

/** Events read at a time by iterate(): an export of a big journal is never held in memory. */
const ITERATE_CHUNK = 500;

/** A value's JSON text as the SQLite repository stores it (RawJson as is), unbounded. */
const json = (value: unknown) => boundedJson(value, Infinity);

/** The inserted columns, with the type of each (the batch insert passes one array a column). */
const COLUMNS: [string, string][] = [
  ['account_id', 'text'],
  ['at', 'text'],
  ['type', 'text'],
  ['actor', 'text'],
  ['idp_inferred', 'boolean'],
  ['level', 'text'],
  ['idp', 'text'],
  ['request_event_id', 'bigint'],
  ['request_id', 'text'],
  ['method', 'text'],
  ['path', 'text'],
  ['status', 'integer'],
  ['duration_ms', 'double precision'],
  ['user_id', 'text'],
  ['group_id', 'text'],
  ['trigger', 'text'],
  ['message', 'text'],
  ['request', 'json'],
  ['response', 'json'],
  ['rewrites', 'json'],
  ['data', 'json'],
  ['changes', 'json'],
  ['headers', 'json'],
];
const NAMES = COLUMNS.map(([name]) => name).join(', ');
const INSERT = `INSERT INTO events (${NAMES}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`;
// Many rows in one statement whatever their number: one array a column, unnested in order, so the
// ids follow the order the events were queued in.
const INSERT_MANY = `INSERT INTO events (${NAMES}) SELECT ${NAMES}
  FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) WITH ORDINALITY AS t (${NAMES}, n) ORDER BY n`;
const SET_DURATIONS = `UPDATE events e SET duration_ms = t.duration_ms
  FROM unnest($1::bigint[], $2::double precision[]) AS t (id, duration_ms) WHERE e.id = t.id`;

// Keeps the newest `keep` events of an account; one indexed range delete.
const PRUNE = `DELETE FROM events WHERE account_id = $1 AND id <= (
    SELECT id FROM events WHERE account_id = $1 ORDER BY id DESC LIMIT 1
    OFFSET $2::bigint + (SELECT count(*) FROM events WHERE account_id = $1 AND status = 401))`;
// The same for refused requests (status 401, anyone can send them) alone, on the partial index
// events_refused: `status = 401` is written out so the planner can use it.
const PRUNE_REFUSED = `DELETE FROM events WHERE account_id = $1 AND status = 401 AND id <= (
    SELECT id FROM events WHERE account_id = $1 AND status = 401 ORDER BY id DESC LIMIT 1 OFFSET $2)`;

type Deferred = { kind: 'insert'; accountId: string; params: unknown[] } | { kind: 'duration'; id: number; durationMs: number };
type Exec = (sql: string, params: unknown[]) => void;

export function createPostgresEventsRepository(db: PgDb, bounds: JournalBounds, defaultActor: Actor = 'admin'): EventsRepository {
  const sincePrune = new Map<string, number>();
  const run: Exec = (sql, params) => void db.run(sql, params);
  const send: Exec = (sql, params) => db.send(sql, params);

  /**
   * The IdP of each account's newest request that told its IdP itself, kept as requests are
   * journaled (a request with no signal of its own is labelled with it: PRODUCT.md §8.2), read from
   * the journal once per account, forgotten when the account's journal is cleared and when another
   * process changed users (db.changes('users'): its requests may name another IdP).
   */
  const lastIdps = new Map<string, string | null>();
  let seenChanges = db.changes('users');
  const rememberIdp = (event: NewEvent) => {
    if (event.type !== 'request' || event.idpInferred || !event.idp || event.idp === 'unknown') return;
    if (lastIdps.size >= MAX_REMEMBERED_IDPS && !lastIdps.has(event.accountId)) lastIdps.clear();
    lastIdps.set(event.accountId, event.idp);
  };

  /**
   * Journal writes that may wait: the `request` events of read-only requests and the final
   * duration of a write whose event, status and response were committed with the write itself
   * (the SQLite repository says why). Flushed after FLUSH_AFTER_MS, at FLUSH_AT, before any read
   * of the journal and on flush(), never inside a transaction (a rollback would take them along).
   * A flush sends its statements without waiting (db.send): they run in order on the one
   * connection, so any later statement, a read of the journal included, sees them.
   */
  let pending: Deferred[] = [];
  let timer: NodeJS.Timeout | null = null;

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!pending.length || !db.open) return;
    if (db.inTransaction) {
      schedule();
      return;
    }
    const batch = pending;
    pending = [];
    let rows: unknown[][] = [];
    let durations = new Map<number, number>();
    const sendRows = () => {
      if (rows.length) send(INSERT_MANY, COLUMNS.map((_, column) => rows.map((row) => row[column])));
      rows = [];
    };
    const sendDurations = () => {
      if (durations.size) send(SET_DURATIONS, [[...durations.keys()], [...durations.values()]]);
      durations = new Map();
    };
    for (const write of batch) {
      if (write.kind === 'duration') {
        sendRows();
        durations.set(write.id, write.durationMs);
        continue;
      }
      sendDurations();
      rows.push(write.params);
      // Pruned where SQLite prunes: right after the insert that reaches the count.
      if (dueForPrune(write.accountId)) {
        sendRows();
        pruneAccount(write.accountId, send);
      }
    }
    sendRows();
    sendDurations();
  }

  function schedule(): void {
    if (timer || !pending.length) return;
    timer = setTimeout(() => {
      timer = null;
      flush();
    }, FLUSH_AFTER_MS);
    timer.unref();
  }

  function defer(write: Deferred): void {
    pending.push(write);
    if (pending.length > MAX_PENDING) pending.shift();
    if (pending.length >= FLUSH_AT) flush();
    else schedule();
  }

  /** Before the journal is read: what was deferred is part of it. */
  const settle = () => flush();

  const insertParams = (event: NewEvent, at: string): unknown[] => [
    event.accountId,
    at,
    event.type,
    event.actor ?? defaultActor,
    event.idpInferred === true,
    event.level ?? 'info',
    event.idp ?? 'unknown',
    event.requestEventId ?? null,
    event.requestId ?? null,
    event.method ?? null,
    event.path ?? null,
    event.status ?? null,
    event.durationMs ?? null,
    event.userId ?? null,
    event.groupId ?? null,
    event.trigger ?? null,
    event.message ?? null,
    boundedJson(event.request, bounds.maxBody),
    boundedJson(event.response, bounds.maxBody),
    json(event.rewrites),
    json(event.data),
    json(event.changes),
    json(event.headers),
  ];

  /**
   * Refused requests go first, down to their own bound; then the account keeps its newest
   * maxEvents events plus the refused ones left. So refused requests never push a state event out,
   * and an account holds at most maxEvents + maxRefused events (+ PRUNE_EVERY between prunes).
   */
  const pruneAccount = (accountId: string, exec: Exec) => {
    exec(PRUNE_REFUSED, [accountId, bounds.maxRefused]);
    exec(PRUNE, [accountId, bounds.maxEvents]);
  };

  // Counted per account, as on SQLite; an account's first insert since start prunes too.
  const dueForPrune = (accountId: string): boolean => {
    const count = sincePrune.get(accountId) ?? PRUNE_EVERY - 1;
    if (count + 1 >= PRUNE_EVERY) {
      if (sincePrune.size >= MAX_COUNTED_ACCOUNTS) sincePrune.clear();
      sincePrune.set(accountId, 0);
      return true;
    }
    sincePrune.set(accountId, count + 1);
    return false;
  };

  function where(q: Omit<EventQuery, 'order' | 'offset' | 'limit'>): { sql: string; params: unknown[] } {
    const params: unknown[] = [q.accountId];
    const clauses = ['account_id = $1'];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      clauses.push(clause(`$${params.length}`));
    };
    if (q.userId) add((p) => `user_id = ${p}`, q.userId);
    if (q.groupId) add((p) => `group_id = ${p}`, q.groupId);
    if (q.idp) add((p) => `idp = ${p}`, q.idp);
    if (q.type) add((p) => `type = ${p}`, q.type);
    // Compared by bytes, as SQLite compares text (a collation could order ISO 8601 strings otherwise).
    if (q.since) add((p) => `at >= ${p} COLLATE "C"`, q.since);
    if (q.afterId !== undefined) add((p) => `id > ${p}`, q.afterId);
    if (q.beforeId !== undefined) add((p) => `id < ${p}`, q.beforeId);
    if (q.status) {
      add((p) => `status >= ${p}`, q.status.from);
      add((p) => `status < ${p}`, q.status.to);
    }
    if (q.changesOnly) clauses.push("type <> 'request'");
    return { sql: clauses.join(' AND '), params };
  }

  return {
    insert(event: NewEvent, at = new Date().toISOString()): number {
      const id = db.value<number>(INSERT, insertParams(event, at))!;
      rememberIdp(event);
      if (dueForPrune(event.accountId)) pruneAccount(event.accountId, run);
      return id;
    },
    /**
     * Journals an event that nothing depends on being committed before the answer (the `request`
     * event of a read-only request): queued and written with others in one statement shortly.
     */
    insertDeferred(event: NewEvent, at = new Date().toISOString()): void {
      const params = insertParams(event, at);
      rememberIdp(event);
      defer({ kind: 'insert', accountId: event.accountId, params });
    },
    setOutcome(id: number, status: number, durationMs: number, response: unknown): void {
      db.run('UPDATE events SET status = $1, duration_ms = $2, response = $3 WHERE id = $4', [status, durationMs, boundedJson(response, bounds.maxBody), id]);
    },
    /**
     * Fills the user and group a `request` event names, where it names none yet (called inside the
     * write's transaction, for each state change the request caused); writes nothing once both are
     * set (or when the change names neither it lacks).
     */
    nameRequest(id: number, userId: string | null, groupId: string | null): void {
      db.run(
        `UPDATE events SET user_id = coalesce(user_id, $2), group_id = coalesce(group_id, $3)
        WHERE id = $1 AND ((user_id IS NULL AND $2::text IS NOT NULL) OR (group_id IS NULL AND $3::text IS NOT NULL))`,
        [id, userId, groupId],
      );
    },
    /** The final duration of a request whose event already holds its status and response. */
    setDurationDeferred(id: number, durationMs: number): void {
      defer({ kind: 'duration', id, durationMs });
    },
    /** Sends what was deferred now (the store is closing, or a reader wants it). */
    flush,
    prune(accountId: string): void {
      settle();
      pruneAccount(accountId, run);
    },
    /** The IdP the newest request that told its own IdP came from. */
    lastRecognisedIdp(accountId: string): string | null {
      const changes = db.changes('users');
      if (changes !== seenChanges) {
        seenChanges = changes;
        lastIdps.clear();
      }
      if (lastIdps.has(accountId)) return lastIdps.get(accountId) ?? null;
      settle();
      const idp =
        db.value<string>(
          `SELECT idp FROM events WHERE account_id = $1 AND type = 'request' AND idp <> 'unknown' AND NOT idp_inferred ORDER BY id DESC LIMIT 1`,
          [accountId],
        ) ?? null;
      // Read inside a transaction, it may be rolled back: answered, not remembered.
      if (!db.inTransaction) {
        if (lastIdps.size >= MAX_REMEMBERED_IDPS) lastIdps.clear();
        lastIdps.set(accountId, idp);
      }
      return idp;
    },
    /** The events a request caused, oldest first (its detail's `caused`). */
    caused(accountId: string, requestEventId: number, limit = 1000): { id: number; type: string }[] {
      settle();
      return db.all('SELECT id, type FROM events WHERE account_id = $1 AND request_event_id = $2 ORDER BY id LIMIT $3', [accountId, requestEventId, limitOf(limit)]);
    },
    byId(accountId: string, id: number): EventRow | null {
      settle();
      const row = db.one('SELECT * FROM events WHERE account_id = $1 AND id = $2', [accountId, id]);
      return row ? eventFromRow(row) : null;
    },
    deprovisionTriggers(accountId: string): { trigger: string; count: number }[] {
      settle();
      return db.all(
        `SELECT trigger, count(*) AS count FROM events WHERE account_id = $1 AND type = 'user.deprovisioned' AND trigger IS NOT NULL
        GROUP BY trigger ORDER BY trigger COLLATE "C"`,
        [accountId],
      );
    },
    clear(accountId: string): void {
      lastIdps.delete(accountId);
      settle();
      db.run('DELETE FROM events WHERE account_id = $1', [accountId]);
    },
    count(q: Omit<EventQuery, 'order' | 'offset' | 'limit'>): number {
      settle();
      const w = where(q);
      return db.value<number>(`SELECT count(*) FROM events WHERE ${w.sql}`, w.params)!;
    },
    list(q: EventQuery): EventRow[] {
      settle();
      const w = where(q);
      const n = w.params.length;
      const order = q.order === 'newest' ? 'DESC' : 'ASC';
      return db.all(`SELECT * FROM events WHERE ${w.sql} ORDER BY id ${order} LIMIT $${n + 1} OFFSET $${n + 2}`, [...w.params, limitOf(q.limit), offsetOf(q.offset)]).map(eventFromRow);
    },
    /**
     * Every matching event, newest first, ITERATE_CHUNK at a time (each chunk below the last id
     * read: events written meanwhile are newer, so none is read twice), never all in memory.
     */
    *iterate(q: Omit<EventQuery, 'order' | 'offset' | 'limit'>): Generator<EventRow> {
      settle();
      const w = where(q);
      const sql = `SELECT * FROM events WHERE ${w.sql}`;
      let below: number | null = null;
      for (;;) {
        const rows: Record<string, unknown>[] =
          below === null
            ? db.all(`${sql} ORDER BY id DESC LIMIT ${ITERATE_CHUNK}`, w.params)
            : db.all(`${sql} AND id < $${w.params.length + 1} ORDER BY id DESC LIMIT ${ITERATE_CHUNK}`, [...w.params, below]);
        for (const row of rows) yield eventFromRow(row);
        if (rows.length < ITERATE_CHUNK) return;
        below = rows[rows.length - 1]!.id as number;
      }
    },
  };
}
