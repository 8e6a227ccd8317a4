import type { Db } from './open-database.js';
import { createUsersRepository } from './users-repository.js';
import { createGroupsRepository } from './groups-repository.js';
import { createAccountsRepository } from './accounts-repository.js';
import { createEventsRepository } from './events-repository.js';

/** Every repository over one database, and the transaction that makes a request all-or-nothing. */
export function createStore(db: Db, options: { journalMaxEvents: number }) {
  const events = createEventsRepository(db, options.journalMaxEvents);
  return {
    db,
    users: createUsersRepository(db),
    groups: createGroupsRepository(db),
    accounts: createAccountsRepository(db),
    events,
    /** Runs fn in one SQLite transaction (BEGIN IMMEDIATE: writers queue instead of failing). */
    transaction<T>(fn: () => T): T {
      // Deferred journal events go first, in their own transaction: they keep their order before
      // this one's events, and a rollback of this one cannot take them along.
      if (!db.inTransaction) {
        try {
          events.flush();
        } catch {
          // kept queued; this transaction meets the same database and reports for itself
        }
      }
      return db.transaction(fn).immediate();
    },
    /** Writes the deferred journal events and closes the database. */
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

export type Store = ReturnType<typeof createStore>;
