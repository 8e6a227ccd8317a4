import type { PgDb } from './pg-db.js';
import { caseKey } from '../../model/case-key.js';
import type { DeprovisionedBy, NewUser, UserRow, Visibility } from '../../model/users.js';
import type { AdminUserQuery, UsersRepository } from '../users-repository.js';

/** The columns of a UserRow under its own names (deprovisioned_by still as JSON text). */
const USER = `seq, id, account_id AS "accountId", user_name AS "userName", external_id AS "externalId",
  display_name AS "displayName", active, source, sso_linked AS "ssoLinked", password_digest AS "passwordDigest",
  scim_deleted_at AS "scimDeletedAt", deprovisioned_at AS "deprovisionedAt", deprovisioned_by AS "deprovisionedBy",
  created_at AS "createdAt", last_modified AS "lastModified", version, resource`;
const USER_U = USER.replace(/(^|, |\n {2})([a-z_]+)/g, '$1u.$2');

type RawUser = Omit<UserRow, 'deprovisionedBy'> & { deprovisionedBy: string | null };
const fromRaw = (r: RawUser): UserRow => ({ ...r, deprovisionedBy: r.deprovisionedBy ? (JSON.parse(r.deprovisionedBy) as DeprovisionedBy) : null });

/**
 * An account's active Admins, oldest first: the condition of the partial index users_admins
 * (migrations/postgres/0001), word for word, so the planner may use it.
 */
const ACTIVE_ADMINS = `account_id = $1
    AND (resource -> 'urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User' ->> 'role') = 'Admin'
    AND active AND scim_deleted_at IS NULL AND deprovisioned_by IS NULL ORDER BY seq`;

/** Users SCIM can see under each visibility (the users_live index holds the first condition). */
const VISIBLE: Record<Visibility, string> = {
  'scim-only': `scim_deleted_at IS NULL AND (source = 'scim' OR sso_linked)`,
  all: 'scim_deleted_at IS NULL',
};

/** The columns a user's update may change, and the UserRow field (after toParams) each comes from. */
const UPDATABLE = [
  ['user_name', 'userName'],
  ['user_name_key', 'userNameKey'],
  ['external_id', 'externalId'],
  ['display_name', 'displayName'],
  ['display_name_key', 'displayNameKey'],
  ['active', 'active'],
  ['sso_linked', 'ssoLinked'],
  ['password_digest', 'passwordDigest'],
  ['scim_deleted_at', 'scimDeletedAt'],
  ['deprovisioned_at', 'deprovisionedAt'],
  ['deprovisioned_by', 'deprovisionedBy'],
  ['last_modified', 'lastModified'],
  ['resource', 'resource'],
] as const;

/** displayName keys that were not ASCII when SQLite first keyed them (its migration 0002): always candidates there, never here. */
const UNKNOWN_KEY = '\u0001';
/** Remembered page boundaries and counts, at most this many of each (oldest forgotten first). */
const LIST_CACHE_SIZE = 10_000;

/**
 * The SQLite repository's twin (../users-repository.ts): the same methods, the same rows in the
 * same order. Text that SQLite orders by its bytes is ordered COLLATE "C" here, which is the same.
 */
export function createPostgresUsersRepository(db: PgDb): UsersRepository {
  const all = <R = RawUser>(sql: string, params: unknown[]) => db.all<R>(sql, params);
  const users = (sql: string, params: unknown[]) => all(sql, params).map(fromRaw);
  const user = (sql: string, params: unknown[]) => {
    const raw = db.one<RawUser>(sql, params);
    return raw ? fromRaw(raw) : null;
  };

  const toParams = (row: NewUser | UserRow) => ({
    ...row,
    userNameKey: caseKey(row.userName),
    displayNameKey: row.displayName === null ? null : caseKey(row.displayName),
    deprovisionedBy: row.deprovisionedBy ? JSON.stringify(row.deprovisionedBy) : null,
  });

  /**
   * IdPs page sequentially (startIndex 1, 101, 201, ...): where each page ended is remembered, so
   * the next one starts from that seq, and the total is remembered too. This repository's own
   * writes forget both; so does any other process's write to users, which a trigger announces
   * (db.changes(), migrations/postgres/0001) within milliseconds. Nothing read inside a
   * transaction is remembered: a rollback may undo it.
   */
  let listChanges = -1;
  const pageEnds = new Map<string, number>();
  const counts = new Map<string, number>();
  const forgetLists = () => {
    pageEnds.clear();
    counts.clear();
  };
  const checkLists = () => {
    const changes = db.changes('users');
    if (changes !== listChanges) {
      forgetLists();
      listChanges = changes;
    }
  };
  const remember = (map: Map<string, number>, key: string, value: number) => {
    if (db.inTransaction) return;
    if (map.size >= LIST_CACHE_SIZE) map.delete(map.keys().next().value!);
    map.set(key, value);
  };

  /** The user's email keys; rewritten only when they changed (a PATCH of `active` leaves them). */
  const writeEmails = (seq: number, accountId: string, emails: string[], fresh = false) => {
    const keys = [...new Set(emails.map(caseKey))];
    if (!fresh) {
      const stored = all<{ value_key: string }>('SELECT value_key FROM user_emails WHERE account_id = $1 AND user_seq = $2', [accountId, seq]).map((r) => r.value_key);
      if (stored.length === keys.length && keys.every((k) => stored.includes(k))) return;
      db.run('DELETE FROM user_emails WHERE account_id = $1 AND user_seq = $2', [accountId, seq]);
    }
    if (keys.length) {
      db.run('INSERT INTO user_emails (account_id, user_seq, value_key) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING', [accountId, seq, keys]);
    }
  };

  // $2 is the value as given (id, externalId: case-exact) or its case key (the others).
  const byColumn: Record<string, { sql: (v: Visibility) => string; key: boolean }> = {
    id: { key: false, sql: (v) => `SELECT ${USER} FROM users WHERE account_id = $1 AND id = $2 AND ${VISIBLE[v]}` },
    userName: { key: true, sql: (v) => `SELECT ${USER} FROM users WHERE account_id = $1 AND user_name_key = $2 AND ${VISIBLE[v]}` },
    externalId: { key: false, sql: (v) => `SELECT ${USER} FROM users WHERE account_id = $1 AND external_id = $2 AND ${VISIBLE[v]} ORDER BY seq` },
    'emails.value': {
      key: true,
      sql: (v) => `SELECT ${USER} FROM users WHERE account_id = $1 AND seq IN (SELECT user_seq FROM user_emails
        WHERE account_id = $1 AND value_key = $2) AND ${VISIBLE[v]} ORDER BY seq`,
    },
    displayName: { key: true, sql: (v) => `SELECT ${USER} FROM users WHERE account_id = $1 AND display_name_key IN ($2, '${UNKNOWN_KEY}') AND ${VISIBLE[v]} ORDER BY seq` },
  };

  return {
    findById(accountId: string, id: string): UserRow | null {
      return user(`SELECT ${USER} FROM users WHERE account_id = $1 AND id = $2`, [accountId, id]);
    },
    findVisibleById(accountId: string, id: string, visibility: Visibility): UserRow | null {
      return user(`SELECT ${USER} FROM users WHERE account_id = $1 AND id = $2 AND ${VISIBLE[visibility]}`, [accountId, id]);
    },
    /**
     * findVisibleById, with the user's groups as JSON (`[]` when none), each `$ref` being `groupsRef` +
     * the group's id: one statement, the JSON text written as SQLite's json_group_array writes it.
     */
    findVisibleWithGroups(accountId: string, id: string, visibility: Visibility, groupsRef: string): { row: UserRow; groupsJson: string } | null {
      const raw = db.one<RawUser & { groupsJson: string }>(
        `SELECT ${USER_U}, (SELECT coalesce('[' || string_agg('{"value":' || to_json(g.id)::text || ',"display":' || to_json(g.display_name)::text
            || ',"$ref":' || to_json($3::text || g.id)::text || ',"type":"direct"}', ',' ORDER BY g.seq) || ']', '[]')
          FROM group_members m JOIN groups g ON g.account_id = m.account_id AND g.seq = m.group_seq
          WHERE m.account_id = u.account_id AND m.member_id = u.id) AS "groupsJson"
        FROM users u WHERE u.account_id = $1 AND u.id = $2 AND ${VISIBLE[visibility].replace(/\b(scim_deleted_at|source|sso_linked)\b/g, 'u.$1')}`,
        [accountId, id, groupsRef],
      );
      if (!raw) return null;
      const { groupsJson, ...row } = raw;
      return { row: fromRaw(row), groupsJson };
    },
    findByUserName(accountId: string, userName: string): UserRow | null {
      return user(`SELECT ${USER} FROM users WHERE account_id = $1 AND user_name_key = $2 AND scim_deleted_at IS NULL`, [accountId, caseKey(userName)]);
    },
    insert(row: NewUser, emails: string[]): UserRow {
      forgetLists();
      const p = toParams(row);
      const seq = db.value<number>(
        `INSERT INTO users (id, account_id, user_name, user_name_key, external_id, display_name, display_name_key, active, source,
          sso_linked, password_digest, scim_deleted_at, deprovisioned_at, deprovisioned_by, created_at, last_modified, version, resource)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17) RETURNING seq`,
        [p.id, p.accountId, p.userName, p.userNameKey, p.externalId, p.displayName, p.displayNameKey, p.active, p.source, p.ssoLinked,
          p.passwordDigest, p.scimDeletedAt, p.deprovisionedAt, p.deprovisionedBy, p.createdAt, p.lastModified, p.resource],
      )!;
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
    update(row: UserRow, emails?: string[]): UserRow {
      forgetLists();
      const params = toParams(row);
      // Only the columns whose value changes are set: a column left alone keeps its index entries
      // (a HOT update), which SETting it to the same value would not guarantee for json columns.
      const current = db.one<Record<string, unknown>>(`SELECT ${UPDATABLE.map(([c]) => `${c}::text AS ${c}`).join(', ')} FROM users WHERE account_id = $1 AND seq = $2`, [
        row.accountId,
        row.seq,
      ]);
      const asText = (v: unknown) => (v === null || v === undefined ? null : String(v));
      const changed = UPDATABLE.filter(([column, field]) => !current || current[column] !== asText(params[field]));
      const values: unknown[] = [row.accountId, row.seq];
      const set = changed.map(([column, field]) => `${column} = $${values.push(params[field])}`);
      db.run(`UPDATE users SET ${[...set, 'version = version + 1'].join(', ')} WHERE account_id = $1 AND seq = $2`, values);
      if (emails) writeEmails(row.seq, row.accountId, emails);
      return { ...row, version: row.version + 1 };
    },
    touch(accountId: string, id: string, at: string): void {
      db.run('UPDATE users SET version = version + 1, last_modified = $3 WHERE account_id = $1 AND id = $2', [accountId, id, at]);
    },
    activeAdmins(accountId: string): UserRow[] {
      return users(`SELECT ${USER} FROM users WHERE ${ACTIVE_ADMINS}`, [accountId]);
    },
    /**
     * The same Admins, only what sign-in depends on, a page at a time: a caller that stops early
     * (for...of with break or return) reads no further page. An account may have thousands of Admins.
     */
    *eachActiveAdminSignIn(accountId: string): Generator<Pick<UserRow, 'active' | 'scimDeletedAt' | 'deprovisionedBy' | 'ssoLinked' | 'source'>> {
      const PAGE = 100;
      for (let after = -1; ; ) {
        const page = all<{ seq: number; sso_linked: boolean; source: UserRow['source'] }>(
          `SELECT seq, sso_linked, source FROM users WHERE seq > $2 AND ${ACTIVE_ADMINS} LIMIT ${PAGE}`,
          [accountId, after],
        );
        for (const r of page) yield { active: true, scimDeletedAt: null, deprovisionedBy: null, ssoLinked: r.sso_linked, source: r.source };
        if (page.length < PAGE) return;
        after = page[page.length - 1]!.seq;
      }
    },
    strandedByGroupRemoval(accountId: string): UserRow[] {
      return users(
        `SELECT ${USER} FROM users u WHERE u.account_id = $1 AND u.active AND u.scim_deleted_at IS NULL AND u.sso_linked
          AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.account_id = u.account_id AND m.member_id = u.id)
          AND EXISTS (SELECT 1 FROM events e WHERE e.account_id = u.account_id AND e.user_id = u.id AND e.type = 'member.removed') ORDER BY u.seq`,
        [accountId],
      );
    },
    countBySource(accountId: string, source: 'scim' | 'local'): number {
      return db.value<number>('SELECT count(*) FROM users WHERE account_id = $1 AND source = $2', [accountId, source])!;
    },
    search(query: AdminUserQuery): { rows: UserRow[]; total: number } {
      const params: unknown[] = [query.accountId];
      const clauses = ['account_id = $1'];
      if (query.status === 'active') clauses.push('active AND scim_deleted_at IS NULL AND deprovisioned_by IS NULL');
      if (query.status === 'deprovisioned') clauses.push('(NOT active OR scim_deleted_at IS NOT NULL OR deprovisioned_by IS NOT NULL)');
      if (query.q) {
        const q = `$${params.push(`%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`)}`;
        clauses.push(`(user_name_key LIKE ${q} ESCAPE '\\' OR lower(coalesce(display_name, '')) LIKE ${q} ESCAPE '\\'
          OR lower(coalesce(resource -> 'name' ->> 'givenName', '') || ' ' || coalesce(resource -> 'name' ->> 'familyName', '')) LIKE ${q} ESCAPE '\\'
          OR seq IN (SELECT user_seq FROM user_emails WHERE account_id = $1 AND value_key LIKE ${q} ESCAPE '\\'))`);
      }
      const where = clauses.join(' AND ');
      const total = db.value<number>(`SELECT count(*) FROM users WHERE ${where}`, params)!;
      const rows = users(`SELECT ${USER} FROM users WHERE ${where} ORDER BY seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
        ...params,
        query.limit,
        query.offset,
      ]);
      return { rows, total };
    },
    touchMembersOf(groupSeq: number, at: string): void {
      db.run(
        `UPDATE users u SET version = version + 1, last_modified = $2 FROM group_members m
        WHERE m.group_seq = $1 AND m.member_type = 'User' AND u.account_id = m.account_id AND u.id = m.member_id`,
        [groupSeq, at],
      );
    },
    erase(row: UserRow): void {
      forgetLists();
      db.run('DELETE FROM users WHERE account_id = $1 AND seq = $2', [row.accountId, row.seq]);
    },
    eraseAccount(accountId: string): void {
      forgetLists();
      db.run('DELETE FROM users WHERE account_id = $1', [accountId]);
    },
    forgetLists,
    page(accountId: string, visibility: Visibility, offset: number, limit: number): UserRow[] {
      checkLists();
      const key = `${accountId}\u0000${visibility}\u0000`;
      let after = offset === 0 ? Number.MIN_SAFE_INTEGER : pageEnds.get(key + offset);
      if (after === undefined) {
        after = db.value<number>(`SELECT seq FROM users WHERE account_id = $1 AND ${VISIBLE[visibility]} ORDER BY seq LIMIT 1 OFFSET $2`, [accountId, offset - 1]);
        if (after === undefined) return [];
        remember(pageEnds, key + offset, after); // the same startIndex again (a retry, a re-read)
      }
      const rows = users(`SELECT ${USER} FROM users WHERE account_id = $1 AND ${VISIBLE[visibility]} AND seq > $2 ORDER BY seq LIMIT $3`, [accountId, after, limit]);
      if (rows.length) remember(pageEnds, key + (offset + rows.length), rows[rows.length - 1]!.seq);
      return rows;
    },
    count(accountId: string, visibility: Visibility): number {
      checkLists();
      const key = `${accountId}\u0000${visibility}`;
      const known = counts.get(key);
      if (known !== undefined) return known;
      const total = db.value<number>(`SELECT count(*) FROM users WHERE account_id = $1 AND ${VISIBLE[visibility]}`, [accountId])!;
      remember(counts, key, total);
      return total;
    },
    pageByUserName(accountId: string, visibility: Visibility, order: 'ascending' | 'descending', offset: number, limit: number): UserRow[] {
      const direction = order === 'ascending' ? 'ASC' : 'DESC';
      return users(`SELECT ${USER} FROM users WHERE account_id = $1 AND ${VISIBLE[visibility]} ORDER BY user_name_key COLLATE "C" ${direction} LIMIT $2 OFFSET $3`, [
        accountId,
        limit < 0 ? null : limit,
        Math.max(0, offset),
      ]);
    },
    candidates(accountId: string, visibility: Visibility, hint: { attribute: string; value: string } | null): UserRow[] {
      const lookup = hint && Object.hasOwn(byColumn, hint.attribute) ? byColumn[hint.attribute]! : null;
      if (!lookup) return users(`SELECT ${USER} FROM users WHERE account_id = $1 AND ${VISIBLE[visibility]} ORDER BY seq`, [accountId]);
      return users(lookup.sql(visibility), [accountId, lookup.key ? caseKey(hint!.value) : hint!.value]);
    },
  };
}
