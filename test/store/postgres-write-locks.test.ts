import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/store.js';
import type { PostgresStore } from '../../src/store/store.js';
import { postgresAvailable } from '../helpers/private-postgres.js';
import { createPostgresDatabase, postgresForFile } from '../helpers/test-database.js';

// PRODUCT.md §8.5: writes to one account are serialised across processes (the lockout guard and
// uniqueness checks read an account no other write changes); writes to different accounts are not,
// and a write confined to no account waits for all. Two stores here are two processes' connections.

const available = postgresAvailable();
if (!available) console.log('postgres-write-locks: PostgreSQL is not installed (apt-get install postgresql); skipped');

describe.skipIf(!available)('write locks on PostgreSQL', () => {
  let server: { url: string; stop(): void };
  let database: { url: string; drop(): Promise<void> };
  let one: PostgresStore;
  let two: PostgresStore;

  beforeAll(async () => {
    server = await postgresForFile();
    database = await createPostgresDatabase(server.url);
    one = createPostgresStore(database.url, { journalMaxEvents: 1000 });
    two = createPostgresStore(database.url, { journalMaxEvents: 1000 });
    // The second process gives up on a lock after 300 ms instead of waiting (here: for ever, as
    // both stores run on this one thread).
    two.db.run("SET lock_timeout = '300ms'");
  }, 60_000);

  afterAll(async () => {
    one?.close();
    two?.close();
    await database?.drop();
    server?.stop();
  });

  const attempt = (accountId?: string) => {
    try {
      two.transaction(() => two.db.value('SELECT 1'), accountId);
      return 'ran';
    } catch (error) {
      return (error as { code?: string }).code === '55P03' ? 'waited' : String(error);
    }
  };

  it("lets another account's write run while an account's write is open, and makes the same account's wait", () => {
    const seen = one.transaction(() => [attempt('other'), attempt('busy'), attempt()], 'busy');
    expect(seen).toEqual(['ran', 'waited', 'waited']);
  });

  it('makes every account wait while a write confined to no account is open', () => {
    const seen = one.transaction(() => [attempt('a'), attempt('b')]);
    expect(seen).toEqual(['waited', 'waited']);
    expect(attempt('a')).toBe('ran'); // committed: free again
  });
});
