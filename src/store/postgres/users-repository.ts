import type { PgDb } from './pg-db.js';
import type { AdminUserQuery, UsersRepository } from '../users-repository.js';
import { caseKey } from '../../model/case-key.js';
import type { DeprovisionedBy, NewUser, UserRow, Visibility } from '../../model/users.js';

/**
 * The users repository on PostgreSQL: the same calls and byte-for-byte the same answers as the
 * SQLite one (src/store/users-repository.ts, the contract), over the schema of
 * migrations/postgres/0001_init.sql.
 */

interface RawUserRow {
  seq: number;
  id: string;
  account_id: string;
  user_name: string;
  external_id: string | null;
  display_name: string | null;
  active: boolean;
  source: 'scim' | 'local';
  sso_linked: boolean;
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
  active: r.active,
  source: r.source,
  ssoLinked: r.sso_linked,
  passwordDigest: r.password_digest,
  scimDeletedAt: r.scim_deleted_at,
  deprovisionedAt: r.deprovisioned_at,
  deprovisionedBy: r.deprovisioned_by ? (JSON.parse(r.deprovisioned_by) as DeprovisionedBy) : null,
  createdAt: r.created_at,
  lastModified: r.last_modified,
  version: r.version,
  resource: r.resource,
});
const fromRows = (rows: RawUserRow[]): UserRow[] => rows.map(fromRaw);

/**
 * An account's active Admins ($1). The role condition repeats the WHERE of the partial index
 * users_admins (migrations/postgres/0001) word for word, so the planner may use it.
 */
const ACTIVE_ADMINS = `account_id = $1
    AND (resource -> 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User' ->> 'role') = 'Admin'
    AND active AND scim_deleted_at IS NULL AND deprovisioned_by IS NULL`;
/** How many Admins eachActiveAdminSignIn reads at a time: a caller that stops early reads no more. */
const ADMIN_BATCH = 100;

/** Visible users (PRODUCT.md §3), the first condition that of the partial index users_live. */
const VISIBLE_SQL: Record<Visibility, string> = {
  'scim-only': `scim_deleted_at IS NULL AND (source = 'scim' OR sso_linked)`,
  all: 'scim_deleted_at IS NULL',
};

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

/** displayName keys written before the key existed and not ASCII (SQLite's migrations/0002): always candidates. */
const UNKNOWN_KEY = '\u0001';
/** Remembered page boundaries and counts, at most this many of each (oldest forgotten first). */
const LIST_CACHE_SIZE = 10_000;

type Params = ReturnType<typeof toParams>;
const toParams = (row: NewUser | UserRow) => ({
  ...row,
  userNameKey: caseKey(row.userName),
  displayNameKey: row.displayName === null ? null : caseKey(row.displayName),
  deprovisionedBy: row.deprovisionedBy ? JSON.stringify(row.deprovisionedBy) : null,
});

/** The group a user's representation lists (RFC 7643 §4.1.2), in the key order SQLite's json_object writes. */
const groupsJson = (groups: [string, string][], ref: string): string =>
  JSON.stringify(groups.map(([id, display]) => ({ value: id, display, $ref: ref + id, type: 'direct' })));

export function createPostgresUsersRepository(db: PgDb): UsersRepository {
  /** The user's email keys; rewritten only when they changed (a PATCH of `active` leaves them). */
  const writeEmails = (seq: number, accountId: string, emails: string[], fresh = false) => {
    const keys = [...new Set(emails.map(caseKey))];
    if (!fresh) {
      const stored = db.all<{ value_key: string }>('SELECT value_key FROM user_emails WHERE account_id = $1 AND user_seq = $2', [accountId, seq]).map((r) => r.value_key);
      if (stored.length === keys.length && keys.every((k) => stored.includes(k))) return;
      db.run('DELETE FROM user_emails WHERE account_id = $1 AND user_seq = $2', [accountId, seq]);
    }
    if (keys.length) {
      db.run('INSERT INTO user_emails (user_seq, account_id, value_key) SELECT $1, $2, unnest($3::text[])', [seq, accountId, keys]);
    }
  };

  /**
   * IdPs page sequentially (startIndex 1, 101, 201, ...): where each page ended is remembered, so
   * the next one starts from that seq instead of counting from the start, and the total is
   * remembered too. Any write to users through this repository forgets both (a deletion or a
   * visibility change shifts positions); so does another process's commit to users, which its
   * notification tells (db.changes(), migrations/postgres/0001). Nothing is remembered inside a
   * transaction, whose reads a rollback may undo.
   */
  let listVersion = -1;
  const pageEnds = new Map<string, number>();
  const counts = new Map<string, number>();
  const forgetLists = () => {
    pageEnds.clear();
    counts.clear();
  };
  const checkLists = () => {
    const version = db.changes('users');
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

  const visibleRows = (accountId: string, visibility: Visibility, where: string, params: unknown[]): UserRow[] =>
    fromRows(db.all<RawUserRow>(`SELECT * FROM users WHERE account_id = $1 AND ${VISIBLE_SQL[visibility]} AND ${where} ORDER BY seq`, [accountId, ...params]));

  return {
    findById(accountId: string, id: string): UserRow | null {
      const raw = db.one<RawUserRow>('SELECT * FROM users WHERE account_id = $1 AND id = $2', [accountId, id]);
      return raw ? fromRaw(raw) : null;
    },
    findVisibleById(accountId: string, id: string, visibility: Visibility): UserRow | null {
      const raw = db.one<RawUserRow>(`SELECT * FROM users WHERE account_id = $1 AND id = $2 AND ${VISIBLE_SQL[visibility]}`, [accountId, id]);
      return raw ? fromRaw(raw) : null;
    },
    /**
     * findVisibleById, with the user's groups as JSON (`[]` when none), each `$ref` being `groupsRef` + the group's id.
     * One statement (a GET of a user is one read); the JSON is written here, as SQLite writes it
     * (json_build_object's text has other spacing).
     */
    findVisibleWithGroups(accountId: string, id: string, visibility: Visibility, groupsRef: string): { row: UserRow; groupsJson: string } | null {
      const raw = db.one<RawUserRow & { groups_pairs: string | null }>(`SELECT u.*, (SELECT json_agg(json_build_array(g.id, g.display_name) ORDER BY g.seq)
          FROM group_members m JOIN groups g ON g.account_id = m.account_id AND g.seq = m.group_seq
          WHERE m.account_id = u.account_id AND m.member_id = u.id) AS groups_pairs
        FROM users u WHERE u.account_id = $1 AND u.id = $2 AND ${VISIBLE_SQL[visibility]}`, [accountId, id]);
      if (!raw) return null;
      const pairs = raw.groups_pairs ? (JSON.parse(raw.groups_pairs) as [string, string][]) : [];
      return { row: fromRaw(raw), groupsJson: groupsJson(pairs, groupsRef) };
    },
    /** The live (not SCIM-deleted) user with this userName, compared without case, visible or not. */
    findByUserName(accountId: string, userName: string): UserRow | null {
      const raw = db.one<RawUserRow>('SELECT * FROM users WHERE account_id = $1 AND user_name_key = $2 AND scim_deleted_at IS NULL', [accountId, caseKey(userName)]);
      return raw ? fromRaw(raw) : null;
    },
    insert(row: NewUser, emails: string[]): UserRow {
      forgetLists();
      const p = toParams(row);
      const seq = db.value<number>(`INSERT INTO users (id, account_id, user_name, user_name_key, external_id, display_name,
          display_name_key, active, source, sso_linked, password_digest, scim_deleted_at, deprovisioned_at, deprovisioned_by,
          created_at, last_modified, version, resource)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17) RETURNING seq`, [
        p.id, p.accountId, p.userName, p.userNameKey, p.externalId, p.displayName, p.displayNameKey, p.active, p.source, p.ssoLinked,
        p.passwordDigest, p.scimDeletedAt, p.deprovisionedAt, p.deprovisionedBy, p.createdAt, p.lastModified, p.resource,
      ])!;
      writeEmails(seq, row.accountId, emails, true);
      return { ...row, seq, version: 1 };
    },
    /** Many users in two statements (seeding 100,000 users one statement at a time took minutes). */
    insertMany(batch: { row: NewUser; emails: string[] }[]): UserRow[] {
      if (!batch.length) return [];
      forgetLists();
      const p = batch.map(({ row }) => toParams(row));
      const column = <K extends keyof (typeof p)[number]>(key: K) => p.map((r) => r[key]);
      const inserted = db.all<{ id: string; seq: number }>(
        `INSERT INTO users (id, account_id, user_name, user_name_key, external_id, display_name, display_name_key, active, source,
          sso_linked, password_digest, scim_deleted_at, deprovisioned_at, deprovisioned_by, created_at, last_modified, version, resource)
        SELECT id, account_id, user_name, user_name_key, external_id, display_name, display_name_key, active, source,
          sso_linked, password_digest, scim_deleted_at, deprovisioned_at, deprovisioned_by::json, created_at, last_modified, 1, resource::json
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[],
          $10::boolean[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
          AS t (id, account_id, user_name, user_name_key, external_id, display_name, display_name_key, active, source,
          sso_linked, password_digest, scim_deleted_at, deprovisioned_at, deprovisioned_by, created_at, last_modified, resource)
        RETURNING id, seq`,
        [column('id'), column('accountId'), column('userName'), column('userNameKey'), column('externalId'), column('displayName'),
          column('displayNameKey'), column('active'), column('source'), column('ssoLinked'), column('passwordDigest'), column('scimDeletedAt'),
          column('deprovisionedAt'), column('deprovisionedBy'), column('createdAt'), column('lastModified'), column('resource')],
      );
      const seqOf = new Map(inserted.map((r) => [r.id, r.seq]));
      const emailAccounts: string[] = [];
      const emailSeqs: number[] = [];
      const emailKeys: string[] = [];
      for (const { row, emails } of batch) {
        for (const key of new Set(emails.map(caseKey))) emailAccounts.push(row.accountId), emailSeqs.push(seqOf.get(row.id)!), emailKeys.push(key);
      }
      if (emailKeys.length) {
        db.run('INSERT INTO user_emails (account_id, user_seq, value_key) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) ON CONFLICT DO NOTHING', [
          emailAccounts,
          emailSeqs,
          emailKeys,
        ]);
      }
      return batch.map(({ row }) => ({ ...row, seq: seqOf.get(row.id)!, version: 1 }));
    },
    /**
     * Every updatable column is set, in one statement: unlike SQLite, PostgreSQL compares the old
     * and new values of indexed columns itself, so an UPDATE that sets them to what they were stays
     * a heap-only (HOT) update with no index entry rewritten, and reading the row first (a round
     * trip inside the write's lock) buys nothing.
     */
    update(row: UserRow, emails?: string[]): UserRow {
      forgetLists();
      const params: Params = toParams(row);
      const set = [...UPDATABLE.map((c, i) => `${c} = $${i + 3}`), 'version = version + 1'];
      db.run(`UPDATE users SET ${set.join(', ')} WHERE account_id = $1 AND seq = $2`, [row.accountId, row.seq, ...UPDATABLE.map((c) => params[UPDATE_PARAM[c]])]);
      if (emails) writeEmails(row.seq, row.accountId, emails);
      return { ...row, version: row.version + 1 };
    },
    /** A membership change alters the user's derived `groups`, so its ETag must change too. */
    touch(accountId: string, id: string, at: string): void {
      db.run('UPDATE users SET version = version + 1, last_modified = $1 WHERE account_id = $2 AND id = $3', [at, accountId, id]);
    },
    /** The account's active users whose role is Admin, oldest first. */
    activeAdmins(accountId: string): UserRow[] {
      return fromRows(db.all<RawUserRow>(`SELECT * FROM users WHERE ${ACTIVE_ADMINS} ORDER BY seq`, [accountId]));
    },
    /**
     * The same Admins, one at a time and only what sign-in depends on, read a batch at a time: a
     * caller that stops early (for...of with break or return) reads no further batch. An account
     * may have thousands of Admins; every SCIM write asks whether one of them can sign in.
     */
    *eachActiveAdminSignIn(accountId: string): Generator<Pick<UserRow, 'active' | 'scimDeletedAt' | 'deprovisionedBy' | 'ssoLinked' | 'source'>> {
      let after = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const batch = db.all<{ seq: number; sso_linked: boolean; source: UserRow['source'] }>(
          `SELECT seq, sso_linked, source FROM users WHERE ${ACTIVE_ADMINS} AND seq > $2 ORDER BY seq LIMIT ${ADMIN_BATCH}`, [accountId, after]);
        for (const r of batch) yield { active: true, scimDeletedAt: null, deprovisionedBy: null, ssoLinked: r.sso_linked, source: r.source };
        if (batch.length < ADMIN_BATCH) return;
        after = batch[batch.length - 1]!.seq;
      }
    },
    /** Users a group removal left active in no group at all: what onGroupRemoval "none" lets happen. */
    strandedByGroupRemoval(accountId: string): UserRow[] {
      return fromRows(db.all<RawUserRow>(`SELECT * FROM users u WHERE u.account_id = $1 AND u.active
        AND u.scim_deleted_at IS NULL AND u.sso_linked
        AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.account_id = u.account_id AND m.member_id = u.id)
        AND EXISTS (SELECT 1 FROM events e WHERE e.account_id = u.account_id AND e.user_id = u.id AND e.type = 'member.removed') ORDER BY u.seq`, [accountId]));
    },
    countBySource(accountId: string, source: 'scim' | 'local'): number {
      return db.value<number>('SELECT count(*) FROM users WHERE account_id = $1 AND source = $2', [accountId, source])!;
    },
    /**
     * The admin view's list: every user of the account (local ones and SCIM-deleted ones too).
     * lower(... COLLATE "C") folds ASCII only, as SQLite's lower() does, and LIKE is then compared
     * as SQLite's (ASCII-insensitive, on text already lowered), so both find the same users.
     */
    search(query: AdminUserQuery): { rows: UserRow[]; total: number } {
      const clauses = ['account_id = $1'];
      const params: unknown[] = [query.accountId];
      if (query.status === 'active') clauses.push('active AND scim_deleted_at IS NULL AND deprovisioned_by IS NULL');
      if (query.status === 'deprovisioned') clauses.push('(NOT active OR scim_deleted_at IS NOT NULL OR deprovisioned_by IS NOT NULL)');
      if (query.q) {
        params.push(`%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`);
        clauses.push(`(user_name_key LIKE $2 ESCAPE '\\' OR lower(coalesce(display_name, '') COLLATE "C") LIKE $2 ESCAPE '\\'
          OR lower((coalesce(resource -> 'name' ->> 'givenName', '') || ' ' || coalesce(resource -> 'name' ->> 'familyName', '')) COLLATE "C") LIKE $2 ESCAPE '\\'
          OR seq IN (SELECT user_seq FROM user_emails WHERE account_id = $1 AND value_key LIKE $2 ESCAPE '\\'))`);
      }
      const where = clauses.join(' AND ');
      const total = db.value<number>(`SELECT count(*) FROM users WHERE ${where}`, params)!;
      const n = params.length;
      const rows = fromRows(db.all<RawUserRow>(`SELECT * FROM users WHERE ${where} ORDER BY seq DESC LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, query.limit, query.offset]));
      return { rows, total };
    },
    /** A group's rename changes its members' derived `groups[].display`, so their ETags too. */
    touchMembersOf(groupSeq: number, at: string): void {
      db.run(`UPDATE users SET version = version + 1, last_modified = $1
        WHERE (account_id, id) IN (SELECT account_id, member_id FROM group_members WHERE group_seq = $2 AND member_type = 'User')`, [at, groupSeq]);
    },
    erase(row: UserRow): void {
      forgetLists();
      db.run('DELETE FROM users WHERE account_id = $1 AND seq = $2', [row.accountId, row.seq]);
    },
    eraseAccount(accountId: string): void {
      forgetLists();
      db.run('DELETE FROM users WHERE account_id = $1', [accountId]);
    },
    /** Users deleted behind this repository's back (an account's removal cascades to them). */
    forgetLists,
    /** The visible users from the offset-th (0-based), in creation order: pages go by seq, after a known seq. */
    page(accountId: string, visibility: Visibility, offset: number, limit: number): UserRow[] {
      checkLists();
      const key = `${accountId}\u0000${visibility}\u0000`;
      let after = offset === 0 ? Number.MIN_SAFE_INTEGER : pageEnds.get(key + offset);
      if (after === undefined) {
        // The seq of the offset-th visible user, for a startIndex not reached by paging (users_live).
        after = db.value<number>(`SELECT seq FROM users WHERE account_id = $1 AND ${VISIBLE_SQL[visibility]} ORDER BY seq LIMIT 1 OFFSET $2`, [accountId, offset - 1]);
        if (after === undefined) return [];
        remember(pageEnds, key + offset, after); // the same startIndex again (a retry, a re-read)
      }
      const rows = db.all<RawUserRow>(`SELECT * FROM users WHERE account_id = $1 AND ${VISIBLE_SQL[visibility]} AND seq > $2 ORDER BY seq LIMIT $3`, [accountId, after, limit]);
      if (rows.length) remember(pageEnds, key + (offset + rows.length), rows[rows.length - 1]!.seq);
      return fromRows(rows);
    },
    count(accountId: string, visibility: Visibility): number {
      checkLists();
      const key = `${accountId}\u0000${visibility}`;
      const known = counts.get(key);
      if (known !== undefined) return known;
      const total = db.value<number>(`SELECT count(*) FROM users WHERE account_id = $1 AND ${VISIBLE_SQL[visibility]}`, [accountId])!;
      remember(counts, key, total);
      return total;
    },
    /**
     * The visible users from the offset-th, ordered by userName without case (caseKey). COLLATE "C"
     * compares the keys' UTF-8 bytes, as SQLite does, so both backends give the same order; the page
     * is read in that order from users_user_name_bytes (the unique users_user_name has the
     * database's collation).
     */
    pageByUserName(accountId: string, visibility: Visibility, order: 'ascending' | 'descending', offset: number, limit: number): UserRow[] {
      return fromRows(db.all<RawUserRow>(`SELECT * FROM users WHERE account_id = $1 AND ${VISIBLE_SQL[visibility]}
        ORDER BY user_name_key COLLATE "C" ${order === 'ascending' ? 'ASC' : 'DESC'} LIMIT $2 OFFSET $3`, [accountId, limit, offset]));
    },
    /** Candidates for a filter: narrowed by an indexed equality when the filter has one. */
    candidates(accountId: string, visibility: Visibility, hint: { attribute: string; value: string } | null): UserRow[] {
      const value = hint?.value ?? '';
      const key = caseKey(value);
      switch (hint?.attribute) {
        case 'id':
          return visibleRows(accountId, visibility, 'id = $2', [value]);
        case 'userName':
          return visibleRows(accountId, visibility, 'user_name_key = $2', [key]);
        case 'externalId':
          return visibleRows(accountId, visibility, 'external_id = $2', [value]);
        case 'emails.value':
          return visibleRows(accountId, visibility, 'seq IN (SELECT user_seq FROM user_emails WHERE account_id = $1 AND value_key = $2)', [key]);
        case 'displayName':
          return visibleRows(accountId, visibility, 'display_name_key IN ($2, $3)', [key, UNKNOWN_KEY]);
        default:
          return visibleRows(accountId, visibility, 'true', []);
      }
    },
  };
}
