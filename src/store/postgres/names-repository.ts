import type { PgDb } from './pg-db.js';
import type { NamesRepository } from '../names-repository.js';

/**
 * The names and small facts an admin page shows beside ids (PRODUCT.md §8.2), on PostgreSQL: the
 * same answers as src/store/names-repository.ts, one statement each, ids passed as one text[].
 */
export function createPostgresNamesRepository(db: PgDb): NamesRepository {
  const lookup = <V>(sql: string, accountId: string, ids: Iterable<string>): Map<string, V> => {
    const list = [...new Set(ids)];
    if (!list.length) return new Map();
    return new Map(db.all<{ id: string; name: V }>(sql, [accountId, list]).map((r) => [r.id, r.name]));
  };
  return {
    userNames: (accountId: string, ids: Iterable<string>) =>
      lookup<string>('SELECT id, user_name AS name FROM users WHERE account_id = $1 AND id = ANY($2::text[])', accountId, ids),
    groupNames: (accountId: string, ids: Iterable<string>) =>
      lookup<string>('SELECT id, display_name AS name FROM groups WHERE account_id = $1 AND id = ANY($2::text[])', accountId, ids),
    /** How many groups each user is a member of (group_members carries account_id: no join needed). */
    groupCounts: (accountId: string, ids: Iterable<string>) =>
      lookup<number>(`SELECT member_id AS id, count(*) AS name FROM group_members
        WHERE account_id = $1 AND member_id = ANY($2::text[]) GROUP BY member_id`, accountId, ids),
    /**
     * The IdP that provisioned each user (as journaled; none for local users or a pruned journal).
     * In journal order, so when a user was provisioned twice the later event wins, as on SQLite.
     */
    provisioningIdps: (accountId: string, ids: Iterable<string>) =>
      lookup<string>(`SELECT user_id AS id, idp AS name FROM events
        WHERE account_id = $1 AND type = 'user.provisioned' AND actor = 'idp' AND user_id = ANY($2::text[]) ORDER BY id`, accountId, ids),
  };
}
