import type Database from 'better-sqlite3';
import type { Db } from './open-database.js';
import { dataVersionOf } from './external-changes.js';
import { caseKey } from '../model/case-key.js';
import type { DeprovisionedBy, NewUser, UserRow, Visibility } from '../model/users.js';

export type { DeprovisionedBy, NewUser, UserRow, Visibility };

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

/**
 * An account's active Admins, oldest first. The role condition repeats the partial index
 * users_admins (migrations/0003) word for word, so the planner may use it.
 */
const ACTIVE_ADMINS = `account_id = ?
    AND json_extract(resource, '$."urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User".role') = 'Admin'
    AND active = 1 AND scim_deleted_at IS NULL AND deprovisioned_by IS NULL ORDER BY seq`;

const VISIBLE = `scim_deleted_at IS NULL AND (source = 'scim' OR sso_linked = 1 OR @visibility = 'all')`;

/**
 * VISIBLE for one visibility, its first condition word for word the WHERE of the partial index
 * users_live (migrations/0002), which also holds source and sso_linked: counts and offsets walk
 * that index only.
 */
const VISIBLE_SQL: Record<Visibility, string> = {
  'scim-only': `scim_deleted_at IS NULL AND (source = 'scim' OR sso_linked = 1)`,
  all: 'scim_deleted_at IS NULL',
};
const VISIBLE_INDEX: Record<Visibility, string> = { 'scim-only': 'users_live', all: 'users_live' };
const perVisibility = <T>(make: (visibility: Visibility) => T): Record<Visibility, T> => ({ 'scim-only': make('scim-only'), all: make('all') });

/** The columns a user's update may change, and the parameter (toParams) each takes its value from. */
const UPDATE_PARAM = {
  user_name: 'userName',
  user_name_key: 'userNameKey',
  external_id: 'externalId',
  display_name: 'displayName',
  display_name_key: 'displayNameKey',
  active: 'active',
  sso_linked: 'ssoLinked',
  password_digest: 'passwordDigest',
  scim_deleted_at: 'scimDeletedAt',
  deprovisioned_at: 'deprovisionedAt',
  deprovisioned_by: 'deprovisionedBy',
  last_modified: 'lastModified',
  resource: 'resource',
} as const;
type UpdatableColumn = keyof typeof UPDATE_PARAM;
const UPDATABLE = Object.keys(UPDATE_PARAM) as UpdatableColumn[];

/** displayName keys written before the key existed and not ASCII (migrations/0002): always candidates. */
const UNKNOWN_KEY = '\u0001';
/** Remembered page boundaries and counts, at most this many of each (oldest forgotten first). */
const LIST_CACHE_SIZE = 10_000;

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
  // A user and its groups (as the JSON array its representation holds) in one statement: a GET of
  // a user is then one read of the database.
  const visibleWithGroups = perVisibility((v) =>
    db.prepare<{ accountId: string; id: string; ref: string }, RawUserRow & { groups_json: string }>(`SELECT u.*, (SELECT json_group_array(json_object('value', g.id,
        'display', g.display_name, '$ref', @ref || g.id, 'type', 'direct') ORDER BY g.seq)
      FROM group_members m CROSS JOIN groups g ON g.seq = m.group_seq WHERE m.member_id = u.id AND g.account_id = u.account_id) AS groups_json
    FROM users u WHERE u.account_id = @accountId AND u.id = @id AND ${VISIBLE_SQL[v]}`));
  const byUserNameKey = db.prepare<[string, string], RawUserRow>(
    'SELECT * FROM users WHERE account_id = ? AND user_name_key = ? AND scim_deleted_at IS NULL',
  );
  const insert = db.prepare(`INSERT INTO users (id, account_id, user_name, user_name_key, external_id, display_name,
      display_name_key, active, source, sso_linked, password_digest, scim_deleted_at, deprovisioned_at, deprovisioned_by,
      created_at, last_modified, version, resource)
    VALUES (@id, @accountId, @userName, @userNameKey, @externalId, @displayName, @displayNameKey, @active, @source, @ssoLinked,
      @passwordDigest, @scimDeletedAt, @deprovisionedAt, @deprovisionedBy, @createdAt, @lastModified, 1, @resource)`);
  // An UPDATE rewrites the entry of every index over a column it SETs, changed or not: setting all
  // columns dirtied ~5 pages per PATCH (users_user_name, users_external_id, users_display_name,
  // users_live...) where `active` alone dirties 1. So only the columns whose value changes are set,
  // one prepared statement per set of columns.
  const currentColumns = db.prepare<[number], Record<UpdatableColumn, unknown>>(`SELECT ${UPDATABLE.join(', ')} FROM users WHERE seq = ?`);
  const updates = new Map<string, Database.Statement>();
  const updateOf = (columns: UpdatableColumn[]) => {
    const key = columns.join(',');
    let statement = updates.get(key);
    if (!statement) {
      const set = [...columns.map((c) => `${c} = @${UPDATE_PARAM[c]}`), 'version = version + 1'];
      statement = db.prepare(`UPDATE users SET ${set.join(', ')} WHERE seq = @seq`);
      if (updates.size < 256) updates.set(key, statement);
    }
    return statement;
  };
  const bumpVersion = db.prepare('UPDATE users SET version = version + 1, last_modified = ? WHERE account_id = ? AND id = ?');
  const bumpMembersOf = db.prepare(`UPDATE users SET version = version + 1, last_modified = ?
    WHERE id IN (SELECT member_id FROM group_members WHERE group_seq = ? AND member_type = 'User')`);
  const erase = db.prepare('DELETE FROM users WHERE seq = ?');
  const eraseAccount = db.prepare('DELETE FROM users WHERE account_id = ?');
  const deleteEmails = db.prepare('DELETE FROM user_emails WHERE user_seq = ?');
  const insertEmail = db.prepare('INSERT INTO user_emails (user_seq, account_id, value_key) VALUES (?, ?, ?)');
  // Pages go by seq (creation order): a page is the next `limit` visible rows after a known seq.
  const pageAfter = perVisibility((v) =>
    db.prepare<[string, number, number], RawUserRow>(`SELECT * FROM users WHERE account_id = ? AND ${VISIBLE_SQL[v]} AND seq > ? ORDER BY seq LIMIT ?`));
  // The seq of the n-th visible user (0-based), for a startIndex not reached by paging: index only.
  const seqAt = perVisibility((v) =>
    db.prepare<[string, number], number>(`SELECT seq FROM users INDEXED BY ${VISIBLE_INDEX[v]} WHERE account_id = ? AND ${VISIBLE_SQL[v]} ORDER BY seq LIMIT 1 OFFSET ?`).pluck());
  const countVisible = perVisibility((v) =>
    db.prepare<[string], number>(`SELECT count(*) FROM users INDEXED BY ${VISIBLE_INDEX[v]} WHERE account_id = ? AND ${VISIBLE_SQL[v]}`).pluck());
  const all = db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND ${VISIBLE} ORDER BY seq`);
  // sortBy=userName from the index users_user_name (account_id, user_name_key, partial on
  // scim_deleted_at IS NULL): one page read in key order instead of every user loaded and sorted.
  const byUserName = perVisibility((v) => ({
    ascending: db.prepare<[string, number, number], RawUserRow>(
      `SELECT * FROM users INDEXED BY users_user_name WHERE account_id = ? AND ${VISIBLE_SQL[v]} ORDER BY user_name_key LIMIT ? OFFSET ?`),
    descending: db.prepare<[string, number, number], RawUserRow>(
      `SELECT * FROM users INDEXED BY users_user_name WHERE account_id = ? AND ${VISIBLE_SQL[v]} ORDER BY user_name_key DESC LIMIT ? OFFSET ?`),
  }));
  const byColumn = {
    id: db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND id = @value AND ${VISIBLE}`),
    userName: db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND user_name_key = @key AND ${VISIBLE}`),
    externalId: db.prepare(`SELECT * FROM users WHERE account_id = @accountId AND external_id = @value AND ${VISIBLE} ORDER BY seq`),
    'emails.value': db.prepare(`SELECT u.* FROM users u WHERE u.seq IN (SELECT user_seq FROM user_emails
        WHERE account_id = @accountId AND value_key = @key) AND ${VISIBLE} ORDER BY u.seq`),
    // Left to itself the planner walked users_live to skip the sort: INDEXED BY keeps the lookup.
    displayName: db.prepare(`SELECT * FROM users INDEXED BY users_display_name WHERE account_id = @accountId AND display_name_key IN (@key, '${UNKNOWN_KEY}')
        AND ${VISIBLE} ORDER BY seq`),
  } as const;

  /**
   * IdPs page sequentially (startIndex 1, 101, 201, ...): where each page ended is remembered, so
   * the next one starts from that seq instead of counting from the start, and the total is
   * remembered too. Any write to users through this repository forgets both (a deletion or a
   * visibility change shifts positions); so does a commit by another connection (a `zi-scim`
   * command on the same file), which SQLite's data_version tells (within 5 ms, external-changes.ts).
   * Nothing is remembered inside a
   * transaction, whose reads a rollback may undo. A startIndex not remembered costs one index-only
   * walk to its position (migrations/0002).
   */
  const dataVersion = dataVersionOf(db);
  let listVersion = -1;
  const pageEnds = new Map<string, number>();
  const counts = new Map<string, number>();
  const forgetLists = () => {
    pageEnds.clear();
    counts.clear();
  };
  const checkLists = () => {
    const version = dataVersion();
    if (version !== listVersion) {
      forgetLists();
      listVersion = version;
    }
  };
  const remember = (map: Map<string, number>, key: string, value: number) => {
    if (db.inTransaction) return;
    if (map.size >= LIST_CACHE_SIZE) map.delete(map.keys().next().value!);
    map.set(key, value);
  };

  const activeAdmins = db.prepare(`SELECT * FROM users WHERE ${ACTIVE_ADMINS}`);
  const activeAdminSignIns = db.prepare<[string], { sso_linked: number; source: string }>(`SELECT sso_linked, source FROM users WHERE ${ACTIVE_ADMINS}`);
  // Users a group removal left active in no group at all: what onGroupRemoval "none" lets happen.
  const strandedByGroupRemoval = db.prepare(`SELECT * FROM users u WHERE u.account_id = ? AND u.active = 1
    AND u.scim_deleted_at IS NULL AND u.sso_linked = 1
    AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.member_id = u.id)
    AND EXISTS (SELECT 1 FROM events e WHERE e.user_id = u.id AND e.type = 'member.removed') ORDER BY u.seq`);
  const countBySource = db.prepare<[string, string], number>('SELECT count(*) FROM users WHERE account_id = ? AND source = ?').pluck();

  const toParams = (row: NewUser | UserRow) => ({
    ...row,
    userNameKey: caseKey(row.userName),
    displayNameKey: row.displayName === null ? null : caseKey(row.displayName),
    active: row.active ? 1 : 0,
    ssoLinked: row.ssoLinked ? 1 : 0,
    deprovisionedBy: row.deprovisionedBy ? JSON.stringify(row.deprovisionedBy) : null,
  });

  const emailKeysOf = db.prepare<[number], string>('SELECT value_key FROM user_emails WHERE user_seq = ?').pluck();
  /** The user's email keys; rewritten only when they changed (a PATCH of `active` leaves them). */
  const writeEmails = (seq: number, accountId: string, emails: string[], fresh = false) => {
    const keys = [...new Set(emails.map(caseKey))];
    if (!fresh) {
      const stored = emailKeysOf.all(seq);
      if (stored.length === keys.length && keys.every((k) => stored.includes(k))) return;
      deleteEmails.run(seq);
    }
    for (const key of keys) insertEmail.run(seq, accountId, key);
  };

  const insertOne = (row: NewUser, emails: string[]): UserRow => {
    forgetLists();
    const { lastInsertRowid } = insert.run(toParams(row));
    const seq = Number(lastInsertRowid);
    writeEmails(seq, row.accountId, emails, true);
    return { ...row, seq, version: 1 };
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
    /** findVisibleById, with the user's groups as JSON (`[]` when none), each `$ref` being `groupsRef` + the group's id. */
    findVisibleWithGroups(accountId: string, id: string, visibility: Visibility, groupsRef: string): { row: UserRow; groupsJson: string } | null {
      const raw = visibleWithGroups[visibility].get({ accountId, id, ref: groupsRef });
      return raw ? { row: fromRaw(raw), groupsJson: raw.groups_json } : null;
    },
    /** The live (not SCIM-deleted) user with this userName, compared without case, visible or not. */
    findByUserName(accountId: string, userName: string): UserRow | null {
      const raw = byUserNameKey.get(accountId, caseKey(userName));
      return raw ? fromRaw(raw) : null;
    },
    insert: insertOne,
    /** Many users at once (seeding): the same as insert for each, in order. */
    insertMany(users: { row: NewUser; emails: string[] }[]): UserRow[] {
      return users.map(({ row, emails }) => insertOne(row, emails));
    },
    update(row: UserRow, emails?: string[]): UserRow {
      forgetLists();
      const params = toParams(row);
      const current = currentColumns.get(row.seq);
      const changed = current ? UPDATABLE.filter((c) => current[c] !== params[UPDATE_PARAM[c]]) : [...UPDATABLE];
      updateOf(changed).run(params);
      if (emails) writeEmails(row.seq, row.accountId, emails);
      return { ...row, version: row.version + 1 };
    },
    /** A membership change alters the user's derived `groups`, so its ETag must change too. */
    touch(accountId: string, id: string, at: string): void {
      bumpVersion.run(at, accountId, id);
    },
    /** The account's active users whose role is Admin, oldest first. */
    activeAdmins(accountId: string): UserRow[] {
      return (activeAdmins.all(accountId) as RawUserRow[]).map(fromRaw);
    },
    /**
     * The same Admins, one at a time and only what sign-in depends on: a caller that stops early
     * (for...of with break or return) closes the statement and reads no further row. An account
     * may have thousands of Admins; every SCIM write asks whether one of them can sign in.
     */
    *eachActiveAdminSignIn(accountId: string): Generator<Pick<UserRow, 'active' | 'scimDeletedAt' | 'deprovisionedBy' | 'ssoLinked' | 'source'>> {
      for (const r of activeAdminSignIns.iterate(accountId)) {
        yield { active: true, scimDeletedAt: null, deprovisionedBy: null, ssoLinked: r.sso_linked === 1, source: r.source as UserRow['source'] };
      }
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
      forgetLists();
      erase.run(row.seq);
    },
    eraseAccount(accountId: string): void {
      forgetLists();
      eraseAccount.run(accountId);
    },
    /** Users deleted behind this repository's back (an account's removal cascades to them). */
    forgetLists,
    /** The visible users from the offset-th (0-based), in creation order. */
    page(accountId: string, visibility: Visibility, offset: number, limit: number): UserRow[] {
      checkLists();
      const key = `${accountId}\u0000${visibility}\u0000`;
      let after = offset === 0 ? Number.MIN_SAFE_INTEGER : pageEnds.get(key + offset);
      if (after === undefined) {
        after = seqAt[visibility].get(accountId, offset - 1);
        if (after === undefined) return [];
        remember(pageEnds, key + offset, after); // the same startIndex again (a retry, a re-read)
      }
      const rows = pageAfter[visibility].all(accountId, after, limit);
      if (rows.length) remember(pageEnds, key + (offset + rows.length), rows[rows.length - 1]!.seq);
      return rows.map(fromRaw);
    },
    count(accountId: string, visibility: Visibility): number {
      checkLists();
      const key = `${accountId}\u0000${visibility}`;
      const known = counts.get(key);
      if (known !== undefined) return known;
      const total = countVisible[visibility].get(accountId)!;
      remember(counts, key, total);
      return total;
    },
    /**
     * The visible users from the offset-th, ordered by userName without case (caseKey, the order the
     * filter evaluator's sortBy gives; SQLite compares the keys' UTF-8 bytes, which orders code
     * points as String#< does, but for characters beyond U+FFFF against U+E000-U+FFFF).
     */
    pageByUserName(accountId: string, visibility: Visibility, order: 'ascending' | 'descending', offset: number, limit: number): UserRow[] {
      return byUserName[visibility][order].all(accountId, limit, offset).map(fromRaw);
    },
    /** Candidates for a filter: narrowed by an indexed equality when the filter has one. */
    candidates(accountId: string, visibility: Visibility, hint: { attribute: string; value: string } | null): UserRow[] {
      // Own keys only: an attribute named "constructor" must not find Object's.
      const stmt = hint && Object.hasOwn(byColumn, hint.attribute) ? byColumn[hint.attribute as keyof typeof byColumn] : undefined;
      const rows = stmt ? stmt.all({ accountId, visibility, value: hint!.value, key: caseKey(hint!.value) }) : all.all({ accountId, visibility });
      return (rows as RawUserRow[]).map(fromRaw);
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
