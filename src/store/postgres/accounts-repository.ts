import { timingSafeEqual } from 'node:crypto';
import type { PgDb } from './pg-db.js';
import { tokenDigest, type AccountRow, type AccountsRepository } from '../accounts-repository.js';
import { defaultSettings, readSettings, type Settings } from '../../model/settings.js';
import type { TokenKind } from '../../model/accounts.js';

/** Accounts (and token digests) remembered per process; more accounts are read from the database. */
const MAX_CACHED = 1000;

interface RawAccount {
  account_id: string;
  name: string;
  settings: string;
  created_at: string;
}

const toAccount = (r: RawAccount): AccountRow => ({ id: r.account_id, name: r.name, settings: readSettings(r.settings), createdAt: r.created_at });

const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

/**
 * The SQLite repository's twin (../accounts-repository.ts). Its caches (settings, token digests)
 * are dropped when another process changes accounts or tokens: a trigger notifies every process
 * after the commit (migrations/postgres/0001), in milliseconds, well within PRODUCT.md §8.5's 1 s.
 */
export function createPostgresAccountsRepository(db: PgDb): AccountsRepository {
  const cache = new Map<string, AccountRow>();
  const digests = new Map<string, string>();
  let seenChanges = -1;
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    if (map.size >= MAX_CACHED) map.delete(map.keys().next().value!);
    map.set(key, value);
  };
  const checkChanges = () => {
    const changes = db.changes('accounts');
    if (changes !== seenChanges) {
      cache.clear();
      digests.clear();
      seenChanges = changes;
    }
  };
  const storedDigest = (accountId: string, kind: TokenKind): string | null => {
    checkChanges();
    const key = `${accountId}\u0000${kind}`;
    const known = digests.get(key);
    if (known !== undefined) return known;
    const digest = db.value<string>('SELECT digest FROM tokens WHERE account_id = $1 AND kind = $2', [accountId, kind]) ?? null;
    if (digest !== null && !db.inTransaction) remember(digests, key, digest);
    return digest;
  };

  return {
    find(id: string): AccountRow | null {
      checkChanges();
      const hit = cache.get(id);
      if (hit) return { ...hit };
      const row = db.one<RawAccount>('SELECT * FROM accounts WHERE account_id = $1', [id]);
      if (!row) return null;
      const account = toAccount(row);
      if (!db.inTransaction) {
        deepFreeze(account.settings);
        remember(cache, id, account);
        return { ...account };
      }
      return account;
    },
    list(): AccountRow[] {
      return db.all<RawAccount>('SELECT * FROM accounts ORDER BY created_at, account_id COLLATE "C"').map(toAccount);
    },
    create(id: string, name: string, settings: Settings = defaultSettings()): AccountRow {
      const createdAt = new Date().toISOString();
      cache.delete(id);
      digests.clear();
      db.run('INSERT INTO accounts (account_id, name, settings, created_at) VALUES ($1, $2, $3, $4)', [id, name, JSON.stringify(settings), createdAt]);
      return { id, name, settings, createdAt };
    },
    remove(id: string): void {
      cache.delete(id);
      digests.clear();
      db.run('DELETE FROM accounts WHERE account_id = $1', [id]);
    },
    saveSettings(id: string, settings: Settings): void {
      cache.delete(id);
      db.run('UPDATE accounts SET settings = $1 WHERE account_id = $2', [JSON.stringify(settings), id]);
    },
    hasToken(accountId: string, kind: TokenKind): boolean {
      return storedDigest(accountId, kind) !== null;
    },
    setToken(accountId: string, kind: TokenKind, token: string, pinnedBy: string | null = null): void {
      digests.clear();
      db.run(
        `INSERT INTO tokens (account_id, kind, digest, created_at, pinned_by) VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (account_id, kind) DO UPDATE SET digest = excluded.digest, created_at = excluded.created_at, pinned_by = excluded.pinned_by`,
        [accountId, kind, tokenDigest(token), new Date().toISOString(), pinnedBy],
      );
    },
    pinnedBy(accountId: string, kind: TokenKind): string | null {
      return db.value<string | null>('SELECT pinned_by FROM tokens WHERE account_id = $1 AND kind = $2', [accountId, kind]) ?? null;
    },
    unpinToken(accountId: string, kind: TokenKind): void {
      db.run('UPDATE tokens SET pinned_by = NULL WHERE account_id = $1 AND kind = $2 AND pinned_by IS NOT NULL', [accountId, kind]);
    },
    tokenStamp(accountId: string, kind: TokenKind): string | null {
      return storedDigest(accountId, kind);
    },
    checkToken(accountId: string, kind: TokenKind, presented: string): boolean {
      const stored = storedDigest(accountId, kind);
      if (stored === null) return false;
      return timingSafeEqual(Buffer.from(tokenDigest(presented), 'hex'), Buffer.from(stored, 'hex'));
    },
  };
}
