import type { Db } from './open-database.js';
import { caseKey } from './case-key.js';

export interface DeprovisionedBy {
  trigger: 'active-false' | 'delete' | 'group-removal' | 'group-delete';
  method: string;
  path: string;
  idp: string;
  at: string;
  eventId: number | null;
  groupId?: string;
}

export interface UserRow {
  seq: number;
  id: string;
  accountId: string;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  active: boolean;
  source: 'scim' | 'local';
  ssoLinked: boolean;
  passwordDigest: string | null;
  scimDeletedAt: string | null;
  deprovisionedAt: string | null;
  deprovisionedBy: DeprovisionedBy | null;
  createdAt: string;
  lastModified: string;
  version: number;
  /** The stored resource JSON (no id, meta, groups or password). */
  resource: string;
}

export type NewUser = Omit<UserRow, 'seq' | 'version'>;

interface RawUserRow {
  seq: number;
  id: string;
  account_id: string;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
  active: number;
  source: 'scim' | 'local';
  sso_linked: number;
  password_digest: string | null;
  scim_deleted_at: string | null;
  deprovisioned_at: string | null;
  deprovisioned_by: string | null;
  created_at: string;
  last_modified: string;
  version: number;
  resource: string;
}

const fromRaw = (r: RawUserRow): UserRow => ({
  seq: r.seq,
  id: r.id,
  accountId: r.account_id,
  userName: r.user_name,
  externalId: r.external_id,
  displayName: r.display_name,
  active: r.active === 1,
  source: r.source,
  ssoLinked: r.sso_linked === 1,
  passwordDigest: r.password_digest,
  scimDeletedAt: r.scim_deleted_at,
  deprovisionedAt: r.deprovisioned_at,
  deprovisionedBy: r.deprovisioned_by ? (JSON.parse(r.deprovisioned_by) as DeprovisionedBy) : null,
  createdAt: r.created_at,
  lastModified: r.last_modified,
  version: r.version,
  resource: r.resource,
});

/** Which users the SCIM API may see (PRODUCT.md §3 scimVisibility; SCIM-deleted users never). */
export type Visibility = 'scim-only' | 'all';

const VISIBLE = `scim_deleted_at IS NULL AND (source = 'scim' OR sso_linked = 1 OR @visibility = 'all')`;

export interface AdminUserQuery {
  accountId: string;
  status: 'active' | 'deprovisioned' | 'all';
  q?: string;
  offset: number;
  limit: number;
}

export interface EmailKeys {
  seq: number;
  emails: string[];
}

export function createUsersRepository(db: Db) {
  const byId = db.prepare<[string, string], RawUserRow>('SELECT * FROM users WHERE account_id = ? AND id = ?');
  const visibleById = db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND id = @id AND ${VISIBLE}`);
  const byUserNameKey = db.prepare<[string, string], RawUserRow>(
    'SELECT * FROM users WHERE account_id = ? AND user_name_key = ? AND scim_deleted_at IS NULL',
  );
  const insert = db.prepare(`INSERT INTO users (id, account_id, user_name, user_name_key, external_id, display_name,
      active, source, sso_linked, password_digest, scim_deleted_at, deprovisioned_at, deprovisioned_by,
      created_at, last_modified, version, resource)
    VALUES (@id, @accountId, @userName, @userNameKey, @externalId, @displayName, @active, @source, @ssoLinked,
      @passwordDigest, @scimDeletedAt, @deprovisionedAt, @deprovisionedBy, @createdAt, @lastModified, 1, @resource)`);
  const update = db.prepare(`UPDATE users SET user_name = @userName, user_name_key = @userNameKey,
      external_id = @externalId, display_name = @displayName, active = @active, sso_linked = @ssoLinked,
      password_digest = @passwordDigest, scim_deleted_at = @scimDeletedAt, deprovisioned_at = @deprovisionedAt,
      deprovisioned_by = @deprovisionedBy, last_modified = @lastModified, version = version + 1, resource = @resource
    WHERE seq = @seq`);
  const bumpVersion = db.prepare('UPDATE users SET version = version + 1, last_modified = ? WHERE account_id = ? AND id = ?');
  const bumpMembersOf = db.prepare(`UPDATE users SET version = version + 1, last_modified = ?
    WHERE id IN (SELECT member_id FROM group_members WHERE group_seq = ? AND member_type = 'User')`);
  const erase = db.prepare('DELETE FROM users WHERE seq = ?');
  const eraseAccount = db.prepare('DELETE FROM users WHERE account_id = ?');
  const deleteEmails = db.prepare('DELETE FROM user_emails WHERE user_seq = ?');
  const insertEmail = db.prepare('INSERT INTO user_emails (user_seq, account_id, value_key) VALUES (?, ?, ?)');
  const page = db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND ${VISIBLE} ORDER BY seq LIMIT @limit OFFSET @offset`);
  const count = db.prepare(`SELECT count(*) FROM users WHERE account_id = @accountId AND ${VISIBLE}`).pluck();
  const all = db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND ${VISIBLE} ORDER BY seq`);
  const byColumn = {
    id: db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND id = @value AND ${VISIBLE}`),
    userName: db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND user_name_key = @key AND ${VISIBLE}`),
    externalId: db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND external_id = @value AND ${VISIBLE} ORDER BY seq`),
    'emails.value': db.prepare(`SELECT u.* FROM users u WHERE u.seq IN (SELECT user_seq FROM user_emails
        WHERE account_id = @accountId AND value_key = @key) AND ${VISIBLE} ORDER BY u.seq`),
  } as const;

  const activeAdmins = db.prepare(`SELECT * FROM users WHERE account_id = ? AND active = 1 AND scim_deleted_at IS NULL
    AND deprovisioned_by IS NULL AND json_extract(resource, '$."urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User".role') = 'Admin'`);
  // Users a group removal left active in no group at all: what onGroupRemoval "none" lets happen.
  const strandedByGroupRemoval = db.prepare(`SELECT * FROM users u WHERE u.account_id = ? AND u.active = 1
    AND u.scim_deleted_at IS NULL AND u.sso_linked = 1
    AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.member_id = u.id)
    AND EXISTS (SELECT 1 FROM events e WHERE e.user_id = u.id AND e.type = 'member.removed') ORDER BY u.seq`);
  const countBySource = db.prepare<[string, string], number>('SELECT count(*) FROM users WHERE account_id = ? AND source = ?').pluck();

  const toParams = (row: NewUser | UserRow) => ({
    ...row,
    userNameKey: caseKey(row.userName),
    active: row.active ? 1 : 0,
    ssoLinked: row.ssoLinked ? 1 : 0,
    deprovisionedBy: row.deprovisionedBy ? JSON.stringify(row.deprovisionedBy) : null,
  });

  const writeEmails = (seq: number, accountId: string, emails: string[]) => {
    deleteEmails.run(seq);
    for (const email of new Set(emails.map(caseKey))) insertEmail.run(seq, accountId, email);
  };

  return {
    findById(accountId: string, id: string): UserRow | null {
      const raw = byId.get(accountId, id);
      return raw ? fromRaw(raw) : null;
    },
    findVisibleById(accountId: string, id: string, visibility: Visibility): UserRow | null {
      const raw = visibleById.get({ accountId, id, visibility }) as RawUserRow | undefined;
      return raw ? fromRaw(raw) : null;
    },
    /** The live (not SCIM-deleted) user with this userName, compared without case, visible or not. */
    findByUserName(accountId: string, userName: string): UserRow | null {
      const raw = byUserNameKey.get(accountId, caseKey(userName));
      return raw ? fromRaw(raw) : null;
    },
    insert(row: NewUser, emails: string[]): UserRow {
      const { lastInsertRowid } = insert.run(toParams(row));
      const seq = Number(lastInsertRowid);
      writeEmails(seq, row.accountId, emails);
      return { ...row, seq, version: 1 };
    },
    update(row: UserRow, emails?: string[]): UserRow {
      update.run(toParams(row));
      if (emails) writeEmails(row.seq, row.accountId, emails);
      return { ...row, version: row.version + 1 };
    },
    /** A membership change alters the user's derived `groups`, so its ETag must change too. */
    touch(accountId: string, id: string, at: string): void {
      bumpVersion.run(at, accountId, id);
    },
    activeAdmins(accountId: string): UserRow[] {
      return (activeAdmins.all(accountId) as RawUserRow[]).map(fromRaw);
    },
    strandedByGroupRemoval(accountId: string): UserRow[] {
      return (strandedByGroupRemoval.all(accountId) as RawUserRow[]).map(fromRaw);
    },
    countBySource(accountId: string, source: 'scim' | 'local'): number {
      return countBySource.get(accountId, source)!;
    },
    /** The admin view's list: every user of the account (local ones and SCIM-deleted ones too). */
    search(query: AdminUserQuery): { rows: UserRow[]; total: number } {
      const clauses = ['account_id = @accountId'];
      if (query.status === 'active') clauses.push('active = 1 AND scim_deleted_at IS NULL AND deprovisioned_by IS NULL');
      if (query.status === 'deprovisioned') clauses.push('(active = 0 OR scim_deleted_at IS NOT NULL OR deprovisioned_by IS NOT NULL)');
      const params: Record<string, unknown> = { accountId: query.accountId, offset: query.offset, limit: query.limit };
      if (query.q) {
        params.q = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
        clauses.push(`(user_name_key LIKE @q ESCAPE '\\' OR lower(coalesce(display_name, '')) LIKE @q ESCAPE '\\'
          OR lower(coalesce(json_extract(resource, '$.name.givenName'), '') || ' ' || coalesce(json_extract(resource, '$.name.familyName'), '')) LIKE @q ESCAPE '\\'
          OR seq IN (SELECT user_seq FROM user_emails WHERE account_id = @accountId AND value_key LIKE @q ESCAPE '\\'))`);
      }
      const where = clauses.join(' AND ');
      const total = db.prepare(`SELECT count(*) FROM users WHERE ${where}`).pluck().get(params) as number;
      const rows = (db.prepare(`SELECT * FROM users WHERE ${where} ORDER BY seq DESC LIMIT @limit OFFSET @offset`).all(params) as RawUserRow[]).map(fromRaw);
      return { rows, total };
    },
    /** A group's rename changes its members' derived `groups[].display`, so their ETags too. */
    touchMembersOf(groupSeq: number, at: string): void {
      bumpMembersOf.run(at, groupSeq);
    },
    erase(row: UserRow): void {
      erase.run(row.seq);
    },
    eraseAccount(accountId: string): void {
      eraseAccount.run(accountId);
    },
    page(accountId: string, visibility: Visibility, offset: number, limit: number): UserRow[] {
      return (page.all({ accountId, visibility, offset, limit }) as RawUserRow[]).map(fromRaw);
    },
    count(accountId: string, visibility: Visibility): number {
      return count.get({ accountId, visibility }) as number;
    },
    /** Candidates for a filter: narrowed by an indexed equality when the filter has one. */
    candidates(accountId: string, visibility: Visibility, hint: { attribute: string; value: string } | null): UserRow[] {
      const stmt = hint ? byColumn[hint.attribute as keyof typeof byColumn] : undefined;
      const rows = stmt ? stmt.all({ accountId, visibility, value: hint!.value, key: caseKey(hint!.value) }) : all.all({ accountId, visibility });
      return (rows as RawUserRow[]).map(fromRaw);
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
