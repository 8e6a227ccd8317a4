import { randomUUID } from 'node:crypto';
import { openStore, type StoreLocation } from '../src/store/open-store.js';
import type { PostgresStore, SqliteStore } from '../src/store/store.js';
import { DEFAULT_ACCOUNT } from '../src/store/accounts-repository.js';
import { bootstrap } from '../src/bootstrap.js';
import { seedSyntheticData } from '../src/cli/synthetic-data.js';

export interface Seeded {
  /** Every seeded user's id, in creation order. */
  userIds: string[];
  /** Their userNames, same order. */
  userNames: string[];
  /** A group of 10 members (the first synthetic group). */
  smallGroupId: string;
  /** The group of 10,000 members (users 10,000 to 19,999). */
  bigGroupId: string;
  /** A user who is a member of 50 groups. */
  manyGroupsUserId: string;
  /** Users in neither of those two groups, for the member add/remove scenarios. */
  memberPool: string[];
  seconds: number;
}

export const BIG_GROUP_MEMBERS = 10_000;

/**
 * A fresh database with 100,000 SCIM users, 1,000 groups of 10 (users 0 to 9,999), one group of
 * 10,000 members and a user in 50 groups, written straight through the store as `zi-scim seed`
 * does (batched transactions), on SQLite or PostgreSQL.
 */
export function seedDatabase(location: StoreLocation, tokens: { scimToken: string; adminToken: string }, users = 100_000, groups = 1_000): Seeded {
  const started = performance.now();
  const store = openStore(location, { journalMaxEvents: 100_000 });
  try {
    bootstrap(store, tokens);
    const { userIds, groupIds } = seedSyntheticData(store, DEFAULT_ACCOUNT, { users, groups, membersPerGroup: 10 });
    const userNamesSql = "SELECT user_name FROM users WHERE source = 'scim' ORDER BY seq";
    const userNames =
      store.backend === 'sqlite'
        ? ((store as SqliteStore).db.prepare(userNamesSql).pluck().all() as string[])
        : (store as PostgresStore).db.all<{ user_name: string }>(userNamesSql).map((r) => r.user_name);
    const at = new Date().toISOString();
    const bigGroupId = store.transaction(() => {
      const displayName = 'Everyone (10k)';
      const group = store.groups.insert({
        id: randomUUID(), accountId: DEFAULT_ACCOUNT, displayName, externalId: 'bench-big', createdAt: at, lastModified: at,
        resource: JSON.stringify({ displayName, externalId: 'bench-big' }),
      });
      for (let i = 10_000; i < 10_000 + BIG_GROUP_MEMBERS; i++) store.groups.addMember(group.seq, userIds[i]!, 'User');
      return group.id;
    });
    // users[50,000] joins the groups 1 to 50 (group 0 is the small group of the scenarios).
    const manyGroupsUserId = userIds[50_000]!;
    store.transaction(() => {
      for (const groupId of groupIds.slice(1, 51)) store.groups.addMember(store.groups.findById(DEFAULT_ACCOUNT, groupId)!.seq, manyGroupsUserId, 'User');
    });
    // The server starts on a clean WAL (SQLite), with fresh planner statistics (PostgreSQL).
    if (store.backend === 'sqlite') (store as SqliteStore).db.pragma('wal_checkpoint(TRUNCATE)');
    else (store as PostgresStore).db.run('VACUUM ANALYZE');
    return {
      userIds,
      userNames,
      smallGroupId: groupIds[0]!,
      bigGroupId,
      manyGroupsUserId,
      memberPool: userIds.slice(60_000, 70_000),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    store.close();
  }
}
