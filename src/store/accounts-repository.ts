import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from './open-database.js';
import { dataVersionOf } from './external-changes.js';
import { defaultSettings, readSettings, type Settings } from '../model/settings.js';
import { DEFAULT_ACCOUNT, type TokenKind } from '../model/accounts.js';

export { DEFAULT_ACCOUNT, type TokenKind };

/** Accounts (and token digests) remembered per connection; more accounts are read from the file. */
const MAX_CACHED = 1000;

export interface AccountRow {
  id: string;
  name: string;
  settings: Settings;
  createdAt: string;
}

/** Tokens are kept only as SHA-256 digests: enough to check one, useless to a reader of the file. */
export const tokenDigest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function createAccountsRepository(db: Db) {
  const get = db.prepare<[string], { id: string; name: string; settings: string; created_at: string }>(
    'SELECT * FROM accounts WHERE id = ?',
  );
  const list = db.prepare<[], { id: string; name: string; settings: string; created_at: string }>('SELECT * FROM accounts ORDER BY created_at, id');
  const insert = db.prepare('INSERT INTO accounts (id, name, settings, created_at) VALUES (?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM accounts WHERE id = ?');
  const saveSettings = db.prepare('UPDATE accounts SET settings = ? WHERE id = ?');
  const getDigest = db.prepare<[string, TokenKind], string>('SELECT digest FROM tokens WHERE account_id = ? AND kind = ?').pluck();
  const setDigest = db.prepare(`INSERT INTO tokens (account_id, kind, digest, created_at, pinned_by) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (account_id, kind) DO UPDATE SET digest = excluded.digest, created_at = excluded.created_at, pinned_by = excluded.pinned_by`);
  const getPin = db.prepare<[string, TokenKind], string | null>('SELECT pinned_by FROM tokens WHERE account_id = ? AND kind = ?').pluck();
  const clearPin = db.prepare('UPDATE tokens SET pinned_by = NULL WHERE account_id = ? AND kind = ? AND pinned_by IS NOT NULL');

  const toAccount = (r: { id: string; name: string; settings: string; created_at: string }): AccountRow => ({
    id: r.id,
    name: r.name,
    settings: readSettings(r.settings),
    createdAt: r.created_at,
  });

  /**
   * Every SCIM request reads its account's settings (twice or more), and readSettings validates
   * them with zod: the checked settings are kept here, as JSON, per account. An entry goes when this
   * connection changes the account, and everything goes when another connection (a `zi-scim`
   * command on the same file) has committed since: SQLite's data_version tells (within 5 ms,
   * external-changes.ts). Entries are only
   * taken outside transactions, so a rolled-back change is never remembered. Callers share one
   * deep-frozen settings object per entry (parsing a copy for each of a request's reads cost
   * ~10 µs a request); a change is made on a copy (settings-service.ts merges into a new object).
   */
  const dataVersion = dataVersionOf(db);
  const cache = new Map<string, AccountRow>();
  // The stored token digests, checked on every request, under the same rules. Only digests that
  // exist are kept: an unknown account id is chosen by the client, so remembering misses would let
  // anyone without a token grow this map (issue 13: 20,000 random ids, +300 MB).
  const digests = new Map<string, string>();
  let seenVersion = -1;
  /** Both caches hold existing accounts only, and at most MAX_CACHED of them (oldest out first). */
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    if (map.size >= MAX_CACHED) map.delete(map.keys().next().value!);
    map.set(key, value);
  };
  const checkVersion = () => {
    const version = dataVersion();
    if (version !== seenVersion) {
      cache.clear();
      digests.clear();
      seenVersion = version;
    }
  };
  const storedDigest = (accountId: string, kind: TokenKind): string | null => {
    checkVersion();
    const key = `${accountId}\u0000${kind}`;
    const known = digests.get(key);
    if (known !== undefined) return known;
    const digest = getDigest.get(accountId, kind) ?? null;
    if (digest !== null && !db.inTransaction) remember(digests, key, digest);
    return digest;
  };
  const deepFreeze = <T>(value: T): T => {
    if (value !== null && typeof value === 'object') {
      for (const inner of Object.values(value)) deepFreeze(inner);
      Object.freeze(value);
    }
    return value;
  };

  return {
    find(id: string): AccountRow | null {
      checkVersion();
      const hit = cache.get(id);
      if (hit) return { ...hit };
      const row = get.get(id);
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
      return list.all().map(toAccount);
    },
    create(id: string, name: string, settings: Settings = defaultSettings()): AccountRow {
      const createdAt = new Date().toISOString();
      cache.delete(id);
      digests.clear();
      insert.run(id, name, JSON.stringify(settings), createdAt);
      return { id, name, settings, createdAt };
    },
    remove(id: string): void {
      cache.delete(id);
      digests.clear();
      remove.run(id);
    },
    saveSettings(id: string, settings: Settings): void {
      cache.delete(id);
      saveSettings.run(JSON.stringify(settings), id);
    },
    hasToken(accountId: string, kind: TokenKind): boolean {
      return storedDigest(accountId, kind) !== null;
    },
    /** Stores a token's digest; `pinnedBy` names the environment variable it came from, if any. */
    setToken(accountId: string, kind: TokenKind, token: string, pinnedBy: string | null = null): void {
      digests.clear();
      setDigest.run(accountId, kind, tokenDigest(token), new Date().toISOString(), pinnedBy);
    },
    /** The environment variable that pins this token (PRODUCT.md §8.4), or null. */
    pinnedBy(accountId: string, kind: TokenKind): string | null {
      return getPin.get(accountId, kind) ?? null;
    },
    unpinToken(accountId: string, kind: TokenKind): void {
      clearPin.run(accountId, kind);
    },
    /**
     * What identifies the current token without revealing it (its digest), or null: an admin view
     * session remembers it, and ends when it changes (a rotation, here or by another process).
     */
    tokenStamp(accountId: string, kind: TokenKind): string | null {
      return storedDigest(accountId, kind);
    },
    /** Constant-time comparison of digests, so timing reveals nothing about the stored token. */
    checkToken(accountId: string, kind: TokenKind, presented: string): boolean {
      const stored = storedDigest(accountId, kind);
      if (stored === null) return false;
      return timingSafeEqual(Buffer.from(tokenDigest(presented), 'hex'), Buffer.from(stored, 'hex'));
    },
  };
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
