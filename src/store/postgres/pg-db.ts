import { openSyncConnection, type ChangedData, type QueryResult, type SyncConnection, type SyncConnectionOptions } from './sync-connection.js';

/**
 * The PostgreSQL connection as the repositories use it: synchronous statements with bound
 * parameters ($1, $2, ...), and transactions that nest as savepoints, as better-sqlite3's do.
 */
export interface PgDb {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): QueryResult<R>;
  /** Every row. */
  all<R = Record<string, unknown>>(sql: string, params?: unknown[]): R[];
  /** The first row, or undefined. */
  one<R = Record<string, unknown>>(sql: string, params?: unknown[]): R | undefined;
  /** The first column of the first row, or undefined. */
  value<T>(sql: string, params?: unknown[]): T | undefined;
  /** Runs a statement; how many rows it changed. */
  run(sql: string, params?: unknown[]): number;
  /** A statement nobody waits for (deferred journal writes), still run in order. */
  send(sql: string, params?: unknown[]): void;
  /**
   * Counts committed changes to accounts and tokens, or to users, by any process (LISTEN,
   * migrations/postgres/0001): a cache of that data is stale once it moves.
   */
  changes(of: ChangedData): number;
  readonly inTransaction: boolean;
  readonly open: boolean;
  /** fn in a transaction (a savepoint when one is open): committed when it returns, undone when it throws. */
  transaction<T>(fn: () => T, begin?: string): T;
  close(): void;
}

export function openPgDb(url: string, options: SyncConnectionOptions = {}): PgDb {
  const conn: SyncConnection = openSyncConnection(url, options);
  let depth = 0;
  const query = <R>(sql: string, params: unknown[] = []) => conn.query<R>(sql, params);
  return {
    query,
    all: <R>(sql: string, params?: unknown[]) => query<R>(sql, params).rows,
    one: <R>(sql: string, params?: unknown[]) => query<R>(sql, params).rows[0],
    value<T>(sql: string, params?: unknown[]): T | undefined {
      const row = query<Record<string, unknown>>(sql, params).rows[0];
      return row ? (Object.values(row)[0] as T) : undefined;
    },
    run: (sql: string, params?: unknown[]) => query(sql, params).rowCount,
    send: (sql: string, params?: unknown[]) => conn.send(sql, params),
    changes: (of: ChangedData) => conn.changes(of),
    get inTransaction() {
      return depth > 0;
    },
    get open() {
      return conn.open;
    },
    transaction<T>(fn: () => T, begin = 'BEGIN'): T {
      const savepoint = depth > 0 ? `s${depth}` : null;
      try {
        query(savepoint ? `SAVEPOINT ${savepoint}` : begin);
      } catch (error) {
        // A BEGIN that also takes locks may begin and then fail (lock_timeout): end what it began.
        if (!savepoint) {
          try {
            query('ROLLBACK');
          } catch {
            // nothing was begun, or the connection broke
          }
        }
        throw error;
      }
      depth++;
      let result: T;
      try {
        result = fn();
      } catch (error) {
        depth--;
        try {
          query(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK');
        } catch {
          // the connection broke: PostgreSQL ends the transaction itself
        }
        throw error;
      }
      depth--;
      // A failing COMMIT ends the transaction too (rolled back): the caller gets the error.
      query(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
      return result;
    },
    close: () => conn.close(),
  };
}
