/**
 * What one process would keep in memory but N processes serving one database must share
 * (PRODUCT.md §8.5, docs/storage.md): admin view sessions, and counting windows (the admin
 * sign-in throttle per address, the injected rate limit per account). On SQLite (one server
 * process) it lives in memory; on PostgreSQL in tables every replica reads.
 */

export interface StoredSession {
  id: string;
  csrfToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** The admin token's stamp at sign-in: a session outlives no rotation of the token. */
  credential: string | null;
}

/** A fixed window of counted events: started at `startedAt` (epoch ms) under `rule`. */
export interface CountingWindow {
  startedAt: number;
  count: number;
  rule: string;
}

export interface SharedState {
  sessions: {
    /** Keeps a session; expired ones go, and the oldest beyond `max` per account. */
    put(accountId: string, session: StoredSession, max: number, now: number): void;
    get(accountId: string, id: string): StoredSession | null;
    remove(accountId: string, id: string): void;
  };
  windows: {
    /**
     * Counts one event in the key's window and returns the window after it. A new window (count 1)
     * starts when there is none, its rule changed, or `windowMs` passed since it started. Atomic:
     * two processes counting at once both count.
     */
    hit(accountId: string, key: string, rule: string, windowMs: number, now: number): CountingWindow;
    get(accountId: string, key: string): CountingWindow | null;
    remove(accountId: string, key: string): void;
  };
}

/** The account id of what belongs to no account (an address's sign-in failures). */
export const NO_ACCOUNT = '';
