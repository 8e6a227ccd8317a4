import type { Db } from './open-database.js';
import { createUsersRepository } from './users-repository.js';
import { createGroupsRepository } from './groups-repository.js';
import { createAccountsRepository } from './accounts-repository.js';
import { createEventsRepository, DEFAULT_JOURNAL_MAX_BODY, DEFAULT_JOURNAL_MAX_REFUSED, type Actor, type JournalBounds } from './events-repository.js';
import { createRehearsalRepository } from './rehearsal-repository.js';
import { createNamesRepository } from './names-repository.js';

interface OpenBatch {
  /** Settles when the batch's COMMIT has run: resolved once committed, rejected if it failed. */
  committed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Every repository over one database, and the transaction that makes a request all-or-nothing. */
export interface StoreOptions {
  journalMaxEvents: number;
  journalMaxRefused?: number;
  journalMaxBody?: number;
  /** Who the events nobody names an actor for belong to: the server's admin API, or the CLI. */
  actor?: Actor;
}

export function createStore(db: Db, options: StoreOptions) {
  const bounds: JournalBounds = {
    maxEvents: options.journalMaxEvents,
    maxRefused: options.journalMaxRefused ?? DEFAULT_JOURNAL_MAX_REFUSED,
    maxBody: options.journalMaxBody ?? DEFAULT_JOURNAL_MAX_BODY,
  };
  const events = createEventsRepository(db, bounds, options.actor ?? 'admin');
  const users = createUsersRepository(db);
  const accounts = createAccountsRepository(db);
  const removeAccount = accounts.remove;
  // Removing an account cascades to its users: the users repository's remembered pages go too.
  accounts.remove = (id: string) => {
    users.forgetLists();
    removeAccount(id);
  };

  const flushEvents = () => {
    try {
      events.flush();
    } catch {
      // kept queued; the transaction that follows meets the same database and reports for itself
    }
  };

  /**
   * Group commit. A commit costs the same few WAL writes (and at a checkpoint an fsync) whether it
   * holds one request's write or ten, and the server is single-threaded: each commit blocks every
   * request. So the SCIM writes that arrive together (in one turn of the event loop) share one
   * transaction: each runs in its own savepoint of it (a failing one is undone alone, exactly as
   * its own transaction would have been), and the transaction commits in the next setImmediate,
   * after the event loop has taken in every request that was ready. No answer leaves before that
   * commit: the app's onSend hook waits for `durable()` (src/plugins/store.ts), for writes and
   * for reads that may have seen them alike; if the commit fails, every request of the batch is
   * answered with an error and nothing of it was acknowledged.
   */
  let batch: OpenBatch | null = null;

  function commitBatch(): void {
    const open = batch;
    if (!open) return;
    batch = null;
    try {
      db.exec('COMMIT');
    } catch (error) {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // SQLite rolled back already
      }
      open.reject(error);
      return;
    }
    open.resolve();
  }

  return {
    db,
    users,
    groups: createGroupsRepository(db),
    accounts,
    events,
    rehearsal: createRehearsalRepository(db, flushEvents, bounds.maxBody),
    names: createNamesRepository(db),
    /** Runs fn in one SQLite transaction (BEGIN IMMEDIATE: writers queue instead of failing). */
    transaction<T>(fn: () => T): T {
      if (!db.inTransaction) {
        // An open batch commits first: this transaction is committed on its own, when it returns.
        commitBatch();
        // Deferred journal events go next, in their own transaction: they keep their order
        // before this one's events, and a rollback of this one cannot take them along.
        flushEvents();
      }
      return db.transaction(fn).immediate();
    },
    /**
     * Runs fn as part of the current batch of writes (see above): in its own savepoint, committed
     * with the others of this turn of the event loop. The caller must not acknowledge anything
     * before `durable()` settles; the HTTP app's onSend hook does that for every answer.
     */
    batched<T>(fn: () => T): T {
      // Some errors (I/O, disk full) make SQLite roll the whole transaction back: that batch failed.
      if (batch && !db.inTransaction) {
        const failed = batch;
        batch = null;
        failed.reject(new Error('the batch of writes was rolled back by SQLite'));
      }
      if (!batch) {
        // Inside someone's own transaction: simply part of it.
        if (db.inTransaction) return db.transaction(fn)();
        flushEvents();
        db.exec('BEGIN IMMEDIATE');
        let resolve!: () => void;
        let reject!: (error: unknown) => void;
        const committed = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        committed.catch(() => undefined); // awaited by the answers; never an unhandled rejection
        batch = { committed, resolve, reject };
        setImmediate(commitBatch);
      }
      return db.transaction(fn)(); // nested in the open transaction: a SAVEPOINT
    },
    /** Settles when everything written so far is committed; undefined when nothing is pending. */
    durable(): Promise<void> | undefined {
      return batch?.committed;
    },
    /** Commits the open batch and the deferred journal events, and closes the database. */
    close(): void {
      if (!db.open) return;
      try {
        commitBatch();
        events.flush();
      } finally {
        db.close();
      }
    },
  };
}

export type Store = ReturnType<typeof createStore>;
