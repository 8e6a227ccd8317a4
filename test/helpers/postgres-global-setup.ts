import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';

/**
 * `npm run test:postgres`: one private PostgreSQL server for the whole run (initdb and pg_ctl in a
 * temporary folder, a free port); each test app makes a database of its own on it
 * (test-database.ts). The test processes are forked after this runs, so they inherit the URL.
 */
let server: PrivatePostgres | undefined;

export async function setup(): Promise<void> {
  server = await startPrivatePostgres();
  process.env.ZI_TEST_POSTGRES_URL = server.url;
  process.stdout.write(`test:postgres: a private PostgreSQL at ${server.url}\n`);
}

export function teardown(): void {
  server?.stop();
}
