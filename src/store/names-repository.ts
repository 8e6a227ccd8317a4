import type { Db } from './open-database.js';

/**
 * The names behind the ids an admin page shows (PRODUCT.md §8.2: users and groups by name, not as
 * raw UUIDs), for a page of events at a time: one statement per kind, ids passed as one JSON array.
 */
export function createNamesRepository(db: Db) {
  const users = db.prepare<[string, string], { id: string; name: string }>(
    'SELECT id, user_name AS name FROM users WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))',
  );
  const groups = db.prepare<[string, string], { id: string; name: string }>(
    'SELECT id, display_name AS name FROM groups WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))',
  );
  const lookup = (statement: typeof users, accountId: string, ids: Iterable<string>): Map<string, string> => {
    const list = [...new Set(ids)];
    if (!list.length) return new Map();
    return new Map(statement.all(accountId, JSON.stringify(list)).map((r) => [r.id, r.name]));
  };
  return {
    userNames: (accountId: string, ids: Iterable<string>) => lookup(users, accountId, ids),
    groupNames: (accountId: string, ids: Iterable<string>) => lookup(groups, accountId, ids),
  };
}

export type NamesRepository = ReturnType<typeof createNamesRepository>;
