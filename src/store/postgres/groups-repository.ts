import type { PgDb } from './pg-db.js';
import { limitOf, offsetOf } from './rows.js';
import { caseKey } from '../../model/case-key.js';
import type { GroupRow, GroupsRepository, MemberRow, NewGroup } from '../groups-repository.js';

/** The columns of a GroupRow under its own names, in its key order: rows need no mapping. */
const GROUP = `seq, id, account_id AS "accountId", display_name AS "displayName", external_id AS "externalId",
  created_at AS "createdAt", last_modified AS "lastModified", version, resource`;

/** A member's display is read from the member itself (in the group's account), so it is never stale. */
const MEMBERS = `FROM group_members m
  LEFT JOIN users u ON m.member_type = 'User' AND u.account_id = m.account_id AND u.id = m.member_id
  LEFT JOIN groups g ON m.member_type = 'Group' AND g.account_id = m.account_id AND g.id = m.member_id
  WHERE m.group_seq = $1`;
const DISPLAY = 'coalesce(u.display_name, u.user_name, g.display_name)';

/**
 * The members as the JSON array a group's representation holds, built by PostgreSQL as SQLite's
 * json_group_array builds it: a 10,000-member group crosses to this thread as one string, not
 * 10,000 rows. Written out as text because json_build_object puts spaces after ':' and ',';
 * to_json(text) escapes a string as JSON.stringify and SQLite do. Ordered by the member id's
 * bytes (COLLATE "C"), as SQLite compares text.
 */
const MEMBERS_JSON = `SELECT coalesce('[' || string_agg('{"value":' || to_json(m.member_id)::text
    || coalesce(',"display":' || to_json(${DISPLAY})::text, '')
    || ',"$ref":' || to_json($2::text || CASE m.member_type WHEN 'Group' THEN '/Groups/' ELSE '/Users/' END || m.member_id)::text
    || ',"type":' || to_json(m.member_type)::text || '}', ',' ORDER BY m.member_id COLLATE "C") || ']', '[]')
  ${MEMBERS}`;

export function createPostgresGroupsRepository(db: PgDb): GroupsRepository {
  const byColumn: Record<string, string> = {
    id: `SELECT ${GROUP} FROM groups WHERE account_id = $1 AND id = $2`,
    displayName: `SELECT ${GROUP} FROM groups WHERE account_id = $1 AND display_name_key = $2`,
    externalId: `SELECT ${GROUP} FROM groups WHERE account_id = $1 AND external_id = $2 ORDER BY seq`,
  };

  return {
    findById(accountId: string, id: string): GroupRow | null {
      return db.one<GroupRow>(byColumn.id!, [accountId, id]) ?? null;
    },
    findByDisplayName(accountId: string, displayName: string): GroupRow | null {
      return db.one<GroupRow>(byColumn.displayName!, [accountId, caseKey(displayName)]) ?? null;
    },
    insert(row: NewGroup): GroupRow {
      const seq = db.value<number>(
        `INSERT INTO groups (id, account_id, display_name, display_name_key, external_id, created_at, last_modified, version, resource)
        VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) RETURNING seq`,
        [row.id, row.accountId, row.displayName, caseKey(row.displayName), row.externalId, row.createdAt, row.lastModified, row.resource],
      )!;
      return { ...row, seq, version: 1 };
    },
    update(row: GroupRow): GroupRow {
      // One statement: unlike SQLite, PostgreSQL leaves the index entries alone (a HOT update)
      // when the indexed columns keep their values, so a membership change needs no cheaper form.
      db.run(
        `UPDATE groups SET display_name = $3, display_name_key = $4, external_id = $5, last_modified = $6, version = version + 1, resource = $7
        WHERE account_id = $1 AND seq = $2`,
        [row.accountId, row.seq, row.displayName, caseKey(row.displayName), row.externalId, row.lastModified, row.resource],
      );
      return { ...row, version: row.version + 1 };
    },
    remove(row: GroupRow): void {
      db.run('DELETE FROM groups WHERE account_id = $1 AND seq = $2', [row.accountId, row.seq]);
    },
    removeAccount(accountId: string): void {
      db.run('DELETE FROM groups WHERE account_id = $1', [accountId]);
    },
    page(accountId: string, offset: number, limit: number): GroupRow[] {
      return db.all<GroupRow>(`SELECT ${GROUP} FROM groups WHERE account_id = $1 ORDER BY seq LIMIT $2 OFFSET $3`, [accountId, limitOf(limit), offsetOf(offset)]);
    },
    count(accountId: string): number {
      return db.value<number>('SELECT count(*) FROM groups WHERE account_id = $1', [accountId])!;
    },
    candidates(accountId: string, hint: { attribute: string; value: string } | null): GroupRow[] {
      const sql = hint && Object.hasOwn(byColumn, hint.attribute) ? byColumn[hint.attribute] : undefined;
      if (!sql) return db.all<GroupRow>(`SELECT ${GROUP} FROM groups WHERE account_id = $1 ORDER BY seq`, [accountId]);
      // displayName is looked up by its case key; id and externalId are case-exact.
      return db.all<GroupRow>(sql, [accountId, hint!.attribute === 'displayName' ? caseKey(hint!.value) : hint!.value]);
    },
    members(groupSeq: number, offset = 0, limit = -1): MemberRow[] {
      return db.all<MemberRow>(`SELECT m.member_id AS value, m.member_type AS type, ${DISPLAY} AS display ${MEMBERS}
        ORDER BY m.member_id COLLATE "C" LIMIT $2 OFFSET $3`, [groupSeq, limitOf(limit), offsetOf(offset)]);
    },
    /** The members as serialised JSON (`[]` when none), each `$ref` under the SCIM base URL. */
    membersJson(groupSeq: number, baseUrl: string): string {
      return db.value<string>(MEMBERS_JSON, [groupSeq, baseUrl])!;
    },
    /** In SQLite's order (its primary key's: the ids' bytes), so removals are journaled in the same order. */
    memberIds(groupSeq: number): string[] {
      return db
        .all<{ member_id: string }>('SELECT member_id FROM group_members WHERE group_seq = $1 ORDER BY member_id COLLATE "C"', [groupSeq])
        .map((r) => r.member_id);
    },
    memberCount(groupSeq: number): number {
      return db.value<number>('SELECT count(*) FROM group_members WHERE group_seq = $1', [groupSeq])!;
    },
    /** True when the member was not there before (adding an existing member changes nothing). */
    addMember(groupSeq: number, memberId: string, type: string): boolean {
      // The member row carries its group's account (the key leads with it): taken from the group.
      return (
        db.run(
          `INSERT INTO group_members (account_id, group_seq, member_id, member_type)
          SELECT account_id, seq, $2, $3 FROM groups WHERE seq = $1 ON CONFLICT DO NOTHING`,
          [groupSeq, memberId, type],
        ) > 0
      );
    },
    /** True when the member was there (removing an absent member is a no-op). */
    removeMember(groupSeq: number, memberId: string): boolean {
      return db.run('DELETE FROM group_members WHERE group_seq = $1 AND member_id = $2', [groupSeq, memberId]) > 0;
    },
    removeMemberEverywhere(memberId: string): void {
      db.run('DELETE FROM group_members WHERE member_id = $1', [memberId]);
    },
    groupsOf(accountId: string, memberId: string): { id: string; displayName: string }[] {
      return db.all(
        `SELECT g.id, g.display_name AS "displayName" FROM group_members m
        JOIN groups g ON g.account_id = m.account_id AND g.seq = m.group_seq
        WHERE m.account_id = $1 AND m.member_id = $2 ORDER BY g.seq`,
        [accountId, memberId],
      );
    },
    /**
     * groupsOf for many members in one query (a page of users), by member id. Within a group the
     * members come in the order asked, as SQLite's (json_each first, then a stable sort by seq).
     */
    groupsOfMany(accountId: string, memberIds: string[]): Map<string, { id: string; displayName: string }[]> {
      const byMember = new Map<string, { id: string; displayName: string }[]>();
      const rows = db.all<{ memberId: string; id: string; displayName: string }>(
        `SELECT m.member_id AS "memberId", g.id, g.display_name AS "displayName"
        FROM unnest($1::text[]) WITH ORDINALITY j (member_id, n)
        JOIN group_members m ON m.account_id = $2 AND m.member_id = j.member_id
        JOIN groups g ON g.account_id = m.account_id AND g.seq = m.group_seq
        ORDER BY g.seq, j.n`,
        [memberIds, accountId],
      );
      for (const { memberId, id, displayName } of rows) {
        let list = byMember.get(memberId);
        if (!list) byMember.set(memberId, (list = []));
        list.push({ id, displayName });
      }
      return byMember;
    },
    /**
     * A group's representation shows each member's display name, so a change to a member (its name,
     * its deletion) changes the group too: its version must move, or If-None-Match answers 304 with
     * stale members. Call before the membership rows are removed.
     */
    touchGroupsOf(memberId: string, at: string): void {
      db.run('UPDATE groups SET version = version + 1, last_modified = $1 WHERE seq IN (SELECT group_seq FROM group_members WHERE member_id = $2)', [at, memberId]);
    },
    groupCountOf(memberId: string): number {
      return db.value<number>('SELECT count(*) FROM group_members WHERE member_id = $1', [memberId])!;
    },
  };
}
