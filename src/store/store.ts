import type { Db } from './open-database.js';
import { createUsersRepository } from './users-repository.js';
import { createGroupsRepository } from './groups-repository.js';
import { createAccountsRepository } from './accounts-repository.js';
import { createEventsRepository, DEFAULT_JOURNAL_MAX_BODY, DEFAULT_JOURNAL_MAX_REFUSED, type Actor, type JournalBounds } from './events-repository.js';
import { createRehearsalRepository } from './rehearsal-repository.js';
import { createNamesRepository, type NamesRepository } from './names-repository.js';
import { createMemorySharedState } from './memory-shared-state.js';
import type { UsersRepository } from './users-repository.js';
import type { GroupsRepository } from './groups-repository.js';
import type { AccountsRepository } from './accounts-repository.js';
import type { EventsRepository } from './events-repository.js';
import type { RehearsalRepository } from './rehearsal-repository.js';
import type { SharedState } from '../model/shared-state.js';
import type { PgDb } from './postgres/pg-db.js';
import { createSnapshotPool, type ReadSnapshots } from './read-snapshots.js';

interface OpenBatch {
  /** Settles when the batch's COMMIT has run: resolved once committed, rejected if it failed. */
  committed: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The one seam between the sandbox and its database (docs/storage.md): every repository, and the
 * transactions that make a use case all-or-nothing. Two implementations: SQLite (this file, the
 * embedded default) and PostgreSQL (postgres/store.ts, DATABASE_URL). Both are synchronous.
 */
export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  readonly users: UsersRepository;
  readonly groups: GroupsRepository;
  readonly accounts: AccountsRepository;
  readonly events: EventsRepository;
  readonly rehearsal: RehearsalRepository;
  readonly names: NamesRepository;
  /** Sessions and counting windows that every process serving the database must share. */
  readonly shared: SharedState;
  /**
   * Consistent reads on connections of their own, from which a big answer is streamed while writes
   * go on (SQLite on a file). Undefined where answers are built in memory: PostgreSQL, :memory:.
   */
  readonly snapshots?: ReadSnapshots;
  /**
   * Runs fn in one transaction of its own: committed when it returns, undone when it throws.
   * `accountId` confines it to one account: it then waits only for writes to that account (and for
   * writes confined to none); without it, it waits for every other write. (PostgreSQL; SQLite
   * serialises all writes anyway.)
   */
  transaction<T>(fn: () => T, accountId?: string): T;
  /**
   * Runs a SCIM write of one account: all or nothing, serialised with every other write to the
   * account. The caller acknowledges nothing before `durable()` settles (the app's onSend hook
   * waits for it).
   */
  batched<T>(fn: () => T, accountId?: string): T;
  /** Settles when everything written so far is committed; undefined when nothing is pending. */
  durable(): Promise<void> | undefined;
  /** Throws unless the database answers (the health check). */
  ping(): void;
  /** Writes what is deferred and closes the database. */
  close(): void;
}

export interface SqliteStore extends Store {
  readonly backend: 'sqlite';
  readonly db: Db;
}

export interface PostgresStore extends Store {
  readonly backend: 'postgres';
  readonly db: PgDb;
}

export interface StoreOptions {
  journalMaxEvents: number;
  journalMaxRefused?: number;
  journalMaxBody?: number;
  /** Who the events nobody names an actor for belong to: the server's admin API, or the CLI. */
  actor?: Actor;
}

export function createStore(db: Db, options: StoreOptions): SqliteStore {
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
  // Snapshots asked for by the batch's writes begin right after its COMMIT, in the same turn: no
  // other write of this process can commit in between.
  const snapshots = createSnapshotPool(db, () => (batch ? 'batch' : db.inTransaction ? 'transaction' : 'none'));

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
      snapshots?.failed();
      open.reject(error);
      return;
    }
    snapshots?.committed();
    open.resolve();
  }

  const ping = db.prepare('SELECT 1');
  return {
    backend: 'sqlite',
    db,
    users,
    groups: createGroupsRepository(db),
    accounts,
    events,
    rehearsal: createRehearsalRepository(db, flushEvents, bounds.maxBody),
    names: createNamesRepository(db),
    shared: createMemorySharedState(),
    ...(snapshots && { snapshots }),
    ping: () => void ping.get(),
    /** BEGIN IMMEDIATE: writers (another process's too) queue instead of failing. */
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
    /** Part of the current batch of writes (see above): in its own savepoint, committed with the others. */
    batched<T>(fn: () => T): T {
      // Some errors (I/O, disk full) make SQLite roll the whole transaction back: that batch failed.
      if (batch && !db.inTransaction) {
        const failed = batch;
        batch = null;
        snapshots?.failed();
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
    durable(): Promise<void> | undefined {
      return batch?.committed;
    },
    close(): void {
      if (!db.open) return;
      try {
        commitBatch();
        events.flush();
      } finally {
        snapshots?.closeAll();
        db.close();
      }
    },
  };
}

