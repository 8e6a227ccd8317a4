import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { postgresAvailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';

// PRODUCT.md §8.5 on a real PostgreSQL (started here in a temporary folder): the schema migrates,
// twice and from two clients at once, and is Citus-ready: every primary key and unique constraint
// leads with account_id, so uniqueness holds per account and never across accounts.

const available = postgresAvailable();
if (!available) console.log('postgres-schema: PostgreSQL is not installed (apt-get install postgresql); skipped');

describe.skipIf(!available)('the PostgreSQL schema', () => {
  let server: PrivatePostgres;
  let client: pg.Client;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    server?.stop();
  });

  it('migrates once, even when two processes start together, and a second run applies nothing', async () => {
    const other = new pg.Client({ connectionString: server.url });
    await other.connect();
    try {
      const [first, second] = await Promise.all([migratePostgres(client), migratePostgres(other)]);
      expect([...first, ...second].sort()).toEqual([1]);
    } finally {
      await other.end();
    }
    expect(await migratePostgres(client)).toEqual([]);
    const { rows } = await client.query('SELECT version, name FROM schema_migrations');
    expect(rows).toEqual([{ version: 1, name: '0001_init.sql' }]);
  });

  it('leads every primary key and unique constraint of the sandbox tables with account_id', async () => {
    const { rows } = await client.query<{ table: string; index: string; first: string }>(`
      SELECT t.relname AS table, i.relname AS index, a.attname AS first
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
      WHERE (x.indisunique OR x.indisprimary) AND t.relname <> 'schema_migrations'`);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.filter((r) => r.first !== 'account_id')).toEqual([]);
    expect(new Set(rows.map((r) => r.table))).toEqual(new Set(['accounts', 'tokens', 'users', 'user_emails', 'groups', 'group_members', 'events', 'admin_sessions', 'windows']));
  });

  it('refuses a second userName per account without case, and allows it in another account', async () => {
    await client.query(`INSERT INTO accounts (account_id, name, created_at) VALUES ('a', 'A', '2026-01-01T00:00:00.000Z'), ('b', 'B', '2026-01-01T00:00:00.000Z')`);
    const insert = (account: string, id: string, userName: string) =>
      client.query(
        `INSERT INTO users (account_id, id, user_name, user_name_key, source, created_at, last_modified, resource)
         VALUES ($1, $2, $3, lower($3), 'scim', now(), now(), '{}')`,
        [account, id, userName],
      );
    await insert('a', 'u1', 'Ada@example.com');
    await insert('b', 'u1', 'ada@example.com');
    await expect(insert('a', 'u2', 'ADA@example.com')).rejects.toMatchObject({ code: '23505', constraint: 'users_user_name' });
    // A member row cannot point at another account's group: the foreign key carries account_id.
    const { rows } = await client.query<{ seq: string }>(`INSERT INTO groups (account_id, id, display_name, display_name_key, created_at, last_modified, resource)
      VALUES ('a', 'g1', 'G', 'g', now(), now(), '{}') RETURNING seq`);
    await expect(client.query(`INSERT INTO group_members (account_id, group_seq, member_id) VALUES ('b', $1, 'u1')`, [rows[0]!.seq])).rejects.toMatchObject({ code: '23503' });
  });
});
