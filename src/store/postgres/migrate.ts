import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientBase } from 'pg';
import { migrationFiles } from '../migrate.js';

export const POSTGRES_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/postgres/', import.meta.url));

/** One key for every sandbox process: N replicas starting together migrate one at a time. */
const MIGRATION_LOCK = 7_363_411;

/**
 * Applies the numbered SQL files of migrations/postgres/ that the database has not seen, each in
 * its own transaction, recording each in schema_migrations; forward-only, like the SQLite runner.
 * Several processes may start against one database (PRODUCT.md §8.5): an advisory lock makes the
 * others wait, and they then find the files applied.
 */
export async function migratePostgres(client: ClientBase, dir = POSTGRES_MIGRATIONS_DIR): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`);
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const done: number[] = [];
    for (const file of migrationFiles(dir)) {
      if (applied.has(file.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(readFileSync(join(dir, file.name), 'utf8'));
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [file.version, file.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file.name} failed: ${(error as Error).message}`);
      }
      done.push(file.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
