import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';

export const MIGRATIONS_DIR = new URL('../../migrations/', import.meta.url).pathname;

/**
 * Applies the numbered SQL files of migrations/ that the database has not seen, each in its own
 * transaction, recording each in schema_migrations. Forward-only: a file once applied never changes.
 */
export function migrate(db: Database, dir = MIGRATIONS_DIR): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
  );
  const files = readdirSync(dir)
    .map((name) => ({ name, match: /^(\d+)_[\w-]+\.sql$/.exec(name) }))
    .filter((f) => f.match)
    .map((f) => ({ name: f.name, version: Number(f.match![1]) }))
    .sort((a, b) => a.version - b.version);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const file of files) {
    if (applied.has(file.version)) continue;
    const sql = readFileSync(join(dir, file.name), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      record.run(file.version, file.name, new Date().toISOString());
    })();
    done.push(file.version);
  }
  return done;
}
