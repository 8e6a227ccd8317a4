import type { PgDb } from './pg-db.js';
import type { NamesRepository } from '../names-repository.js';

/** The SQLite repository's twin (../names-repository.ts): ids go as one text[] parameter. */
export function createPostgresNamesRepository(db: PgDb): NamesRepository {
  const lookup = <V>(sql: string, accountId: string, ids: Iterable<string>): Map<string, V> => {
    const list = [...new Set(ids)];
    if (!list.length) return new Map();
    return new Map(db.all<{ id: string; name: V }>(sql, [accountId, list]).map((r) => [r.id, r.name]));
  };
  return {
    userNames: (accountId, ids) => lookup('SELECT id, user_name AS name FROM users WHERE account_id = $1 AND id = ANY($2::text[])', accountId, ids),
    groupNames: (accountId, ids) => lookup('SELECT id, display_name AS name FROM groups WHERE account_id = $1 AND id = ANY($2::text[])', accountId, ids),
    groupCounts: (accountId, ids) =>
      lookup<number>(
        `SELECT member_id AS id, count(*) AS name FROM group_members WHERE account_id = $1 AND member_id = ANY($2::text[]) GROUP BY member_id`,
        accountId,
        ids,
      ),
    provisioningIdps: (accountId, ids) =>
      lookup(
        `SELECT user_id AS id, idp AS name FROM events WHERE account_id = $1 AND type = 'user.provisioned' AND actor = 'idp' AND user_id = ANY($2::text[])`,
        accountId,
        ids,
      ),
  };
}
