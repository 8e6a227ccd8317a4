import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from './open-database.js';
import { defaultSettings, readSettings, type Settings } from '../zoominfo/settings.js';

export const DEFAULT_ACCOUNT = 'default';

export type TokenKind = 'scim' | 'admin';

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
  const setDigest = db.prepare(`INSERT INTO tokens (account_id, kind, digest, created_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (account_id, kind) DO UPDATE SET digest = excluded.digest, created_at = excluded.created_at`);

  const toAccount = (r: { id: string; name: string; settings: string; created_at: string }): AccountRow => ({
    id: r.id,
    name: r.name,
    settings: readSettings(r.settings),
    createdAt: r.created_at,
  });

  return {
    find(id: string): AccountRow | null {
      const row = get.get(id);
      return row ? toAccount(row) : null;
    },
    list(): AccountRow[] {
      return list.all().map(toAccount);
    },
    create(id: string, name: string, settings: Settings = defaultSettings()): AccountRow {
      const createdAt = new Date().toISOString();
      insert.run(id, name, JSON.stringify(settings), createdAt);
      return { id, name, settings, createdAt };
    },
    remove(id: string): void {
      remove.run(id);
    },
    saveSettings(id: string, settings: Settings): void {
      saveSettings.run(JSON.stringify(settings), id);
    },
    hasToken(accountId: string, kind: TokenKind): boolean {
      return getDigest.get(accountId, kind) !== undefined;
    },
    setToken(accountId: string, kind: TokenKind, token: string): void {
      setDigest.run(accountId, kind, tokenDigest(token), new Date().toISOString());
    },
    /** Constant-time comparison of digests, so timing reveals nothing about the stored token. */
    checkToken(accountId: string, kind: TokenKind, presented: string): boolean {
      const stored = getDigest.get(accountId, kind);
      if (stored === undefined) return false;
      return timingSafeEqual(Buffer.from(tokenDigest(presented), 'hex'), Buffer.from(stored, 'hex'));
    },
  };
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
