import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

// fileURLToPath, not URL.pathname: a checkout under "my projects/" has "my%20projects" in its URL.
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** The numbered SQL files of a migrations folder (`0001_init.sql`, ...), in order; folders are skipped. */
export function migrationFiles(dir: string): { name: string; version: number }[] {
  return readdirSync(dir)
    .map((name) => ({ name, match: /^(\d+)_[\w-]+\.sql$/.exec(name) }))
    .filter((f) => f.match)
    .map((f) => ({ name: f.name, version: Number(f.match![1]) }))
    .sort((a, b) => a.version - b.version);
}

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
  const files = migrationFiles(dir);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const file of files) {
    if (applied.has(file.version)) continue;
    const sql = readFileSync(join(dir, file.name), 'utf8');
    try {
      db.transaction(() => {
        db.exec(sql);
        record.run(file.version, file.name, new Date().toISOString());
      })();
    } catch (error) {
      // The file is named: "table users already exists" alone does not say which step failed.
      throw Object.assign(new Error(`migration ${file.name} failed: ${(error as Error).message}`), { code: (error as { code?: unknown }).code });
    }
    done.push(file.version);
  }
  return done;
}
