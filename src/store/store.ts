import type { Db } from './open-database.js';
import { createUsersRepository } from './users-repository.js';
import { createGroupsRepository } from './groups-repository.js';
import { createAccountsRepository } from './accounts-repository.js';
import { createEventsRepository } from './events-repository.js';

/** Every repository over one database, and the transaction that makes a request all-or-nothing. */
export function createStore(db: Db, options: { journalMaxEvents: number }) {
  return {
    db,
    users: createUsersRepository(db),
    groups: createGroupsRepository(db),
    accounts: createAccountsRepository(db),
    events: createEventsRepository(db, options.journalMaxEvents),
    /** Runs fn in one SQLite transaction (BEGIN IMMEDIATE: writers queue instead of failing). */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn).immediate();
    },
  };
}

export type Store = ReturnType<typeof createStore>;
