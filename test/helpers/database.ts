import type { PostgresStore, SqliteStore, Store } from '../../src/store/store.js';

/** The SQLite handle of a store, for tests about SQLite itself (vitest.postgres.config.ts leaves them out). */
export function sqliteDb(store: Store): SqliteStore['db'] {
  if (store.backend !== 'sqlite') throw new Error('this test is about SQLite itself');
  return (store as SqliteStore).db;
}

/** Makes the store's next COMMIT fail as a disk error would (SQLite); returns the undo. */
export function failNextCommit(store: Store): () => void {
  const db = sqliteDb(store);
  const exec = db.exec.bind(db);
  let failures = 1;
  db.exec = (sql: string) => {
    if (sql === 'COMMIT' && failures-- > 0) throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    return exec(sql);
  };
  return () => {
    db.exec = exec;
  };
}

/**
 * The rows of a read-only statement, on either backend: written with `?` placeholders and SQL both
 * accept (CAST(x AS TEXT), not x::text), so one test asserts what either database holds.
 */
export function sqlRows<R = Record<string, unknown>>(store: Store, sql: string, params: unknown[] = []): R[] {
  if (store.backend === 'sqlite') return (store as SqliteStore).db.prepare(sql).all(...params) as R[];
  let n = 0;
  return (store as PostgresStore).db.all<R>(sql.replace(/\?/g, () => `$${++n}`), params);
}

/** The first column of the first row of sqlRows (undefined when there is none). */
export function sqlValue<T>(store: Store, sql: string, params: unknown[] = []): T {
  const row = sqlRows(store, sql, params)[0];
  return (row ? Object.values(row)[0] : undefined) as T;
}
