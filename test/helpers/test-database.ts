import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPrivatePostgres } from './private-postgres.js';

/**
 * The PostgreSQL server `npm run test:postgres` started for the whole run (vitest.postgres.config.ts),
 * or undefined: then every test app gets a SQLite file, as `npm test` runs them.
 */
export const testPostgresUrl = (): string | undefined => process.env.ZI_TEST_POSTGRES_URL || undefined;

export interface TestDatabase {
  /** The configuration that names it: DATABASE_PATH or DATABASE_URL. */
  env: Record<string, string>;
  /** The same as command-line flags, for the CLI. */
  args: string[];
  /** A folder of the test's own (the SQLite file lives in it). */
  dir: string;
  /** The SQLite file, or the PostgreSQL URL. */
  where: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test app: a file in a new folder, or a new PostgreSQL database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'zi-scim-test-'));
  const server = testPostgresUrl();
  if (!server) {
    const where = join(dir, 'sandbox.db');
    return { env: { DATABASE_PATH: where }, args: ['--database-path', where], dir, where, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const database = await createPostgresDatabase(server);
  return {
    env: { DATABASE_URL: database.url },
    args: ['--database-url', database.url],
    dir,
    where: database.url,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
    },
  };
}

/** A new, empty database on the PostgreSQL server at `serverUrl`, dropped (connections and all) by drop(). */
export async function createPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `zi_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * A PostgreSQL server for one test file: the run's (test:postgres), or else a private one started
 * now (`npm test`, when the postgresql package is installed), stopped by `stop()`.
 */
export async function postgresForFile(): Promise<{ url: string; stop(): void }> {
  const shared = testPostgresUrl();
  if (shared) return { url: shared, stop: () => undefined };
  const server = await startPrivatePostgres();
  return { url: server.url, stop: () => server.stop() };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
