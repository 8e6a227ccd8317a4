import type { Db } from './open-database.js';

/**
 * The names and small facts an admin page shows beside ids (PRODUCT.md §8.2: users and groups by
 * name, not as raw UUIDs), for a page at a time: one statement each, ids passed as one JSON array.
 */
export function createNamesRepository(db: Db) {
  const users = db.prepare<[string, string], { id: string; name: string }>(
    'SELECT id, user_name AS name FROM users WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))',
  );
  const groups = db.prepare<[string, string], { id: string; name: string }>(
    'SELECT id, display_name AS name FROM groups WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))',
  );
  const groupCounts = db.prepare<[string, string], { id: string; name: number }>(`SELECT m.member_id AS id, count(*) AS name
    FROM group_members m JOIN groups g ON g.seq = m.group_seq
    WHERE g.account_id = ? AND m.member_id IN (SELECT value FROM json_each(?)) GROUP BY m.member_id`);
  // The IdP of the request that provisioned each user (a local user has none).
  const provisioners = db.prepare<[string, string], { id: string; name: string }>(`SELECT user_id AS id, idp AS name FROM events
    WHERE account_id = ? AND type = 'user.provisioned' AND actor = 'idp' AND user_id IN (SELECT value FROM json_each(?))`);
  const lookup = <V>(statement: import('better-sqlite3').Statement<[string, string], { id: string; name: V }>, accountId: string, ids: Iterable<string>): Map<string, V> => {
    const list = [...new Set(ids)];
    if (!list.length) return new Map();
    return new Map(statement.all(accountId, JSON.stringify(list)).map((r) => [r.id, r.name]));
  };
  return {
    userNames: (accountId: string, ids: Iterable<string>) => lookup(users, accountId, ids),
    groupNames: (accountId: string, ids: Iterable<string>) => lookup(groups, accountId, ids),
    /** How many groups each user is a member of. */
    groupCounts: (accountId: string, ids: Iterable<string>) => lookup(groupCounts, accountId, ids),
    /** The IdP that provisioned each user (as journaled; none for local users or a pruned journal). */
    provisioningIdps: (accountId: string, ids: Iterable<string>) => lookup(provisioners, accountId, ids),
  };
}

export type NamesRepository = ReturnType<typeof createNamesRepository>;
