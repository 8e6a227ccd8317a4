import { openPgDb } from './pg-db.js';
import { createPostgresUsersRepository } from './users-repository.js';
import { createPostgresGroupsRepository } from './groups-repository.js';
import { createPostgresAccountsRepository } from './accounts-repository.js';
import { createPostgresEventsRepository } from './events-repository.js';
import { createPostgresRehearsalRepository } from './rehearsal-repository.js';
import { createPostgresNamesRepository } from './names-repository.js';
import { createPostgresSharedState } from './shared-state.js';
import { DEFAULT_JOURNAL_MAX_BODY, DEFAULT_JOURNAL_MAX_REFUSED, type JournalBounds } from '../events-repository.js';
import type { PostgresStore, StoreOptions } from '../store.js';

/**
 * Every write transaction of every process takes advisory locks first, so writes to one account
 * are serialised across replicas as SQLite serialises them: a write's lockout guard and uniqueness
 * checks read an account no other write is changing. A write confined to one account (every SCIM
 * write, every admin action on an account) holds WRITE_LOCK shared and its account's lock
 * exclusively: writes to different accounts run side by side. A write confined to none (the first
 * start's bootstrap) holds WRITE_LOCK exclusively, so it waits for all of them. Constraints still
 * back the checks up (users_user_name, groups_display_name), and reads never wait.
 */
const WRITE_LOCK = 7_363_412;
/** The first key of an account's lock (pg_advisory_xact_lock(int4, int4): a key space of its own). */
const ACCOUNT_LOCKS = 7_363_413;

/** A 32-bit FNV-1a hash of the account id: two ids sharing one only wait for each other. */
function accountKey(accountId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) hash = Math.imul(hash ^ accountId.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/** A write's BEGIN and its locks, in one round trip (numbers only: nothing of the client is spliced in). */
const beginWrite = (accountId: string | undefined) =>
  accountId === undefined
    ? `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`
    : `BEGIN; SELECT pg_advisory_xact_lock_shared(${WRITE_LOCK}), pg_advisory_xact_lock(${ACCOUNT_LOCKS}, ${accountKey(accountId)})`;

/**
 * The Store on PostgreSQL (DATABASE_URL, PRODUCT.md §8.5): the same repositories and transactions as
 * the SQLite store, over one connection per process. There is no group commit: each write commits
 * before its answer is sent, so `durable()` has nothing pending.
 */
export function createPostgresStore(url: string, options: StoreOptions): PostgresStore {
  const db = openPgDb(url, { migrate: true });
  const bounds: JournalBounds = {
    maxEvents: options.journalMaxEvents,
    maxRefused: options.journalMaxRefused ?? DEFAULT_JOURNAL_MAX_REFUSED,
    maxBody: options.journalMaxBody ?? DEFAULT_JOURNAL_MAX_BODY,
  };
  const events = createPostgresEventsRepository(db, bounds, options.actor ?? 'admin');
  const users = createPostgresUsersRepository(db);
  const accounts = createPostgresAccountsRepository(db);
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
  const write = <T>(fn: () => T, accountId?: string): T => {
    if (db.inTransaction) return db.transaction(fn); // a savepoint of the open one
    // Deferred journal events first, outside: a rollback of this write cannot take them along.
    flushEvents();
    return db.transaction(fn, beginWrite(accountId));
  };

  return {
    backend: 'postgres',
    db,
    users,
    groups: createPostgresGroupsRepository(db),
    accounts,
    events,
    rehearsal: createPostgresRehearsalRepository(db, flushEvents, bounds.maxBody),
    names: createPostgresNamesRepository(db),
    shared: createPostgresSharedState(db),
    transaction: write,
    batched: write,
    durable: () => undefined,
    ping: () => void db.value('SELECT 1'),
    close(): void {
      if (!db.open) return;
      try {
        events.flush();
      } finally {
        db.close();
      }
    },
  };
}
