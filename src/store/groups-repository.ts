import type { Db } from './open-database.js';
import { caseKey } from '../model/case-key.js';

export interface GroupRow {
  seq: number;
  id: string;
  accountId: string;
  displayName: string;
  externalId: string | null;
  createdAt: string;
  lastModified: string;
  version: number;
  /** The stored resource JSON (no id, meta or members: members live in group_members). */
  resource: string;
}

export type NewGroup = Omit<GroupRow, 'seq' | 'version'>;

export interface MemberRow {
  value: string;
  type: string;
  display: string | null;
}

export interface RawGroupRow {
  seq: number;
  id: string;
  account_id: string;
  display_name: string;
  external_id: string | null;
  created_at: string;
  last_modified: string;
  version: number;
  resource: string;
}

export const fromRawGroup = (r: RawGroupRow): GroupRow => ({
  seq: r.seq,
  id: r.id,
  accountId: r.account_id,
  displayName: r.display_name,
  externalId: r.external_id,
  createdAt: r.created_at,
  lastModified: r.last_modified,
  version: r.version,
  resource: r.resource,
});

// A member's display is read from the member itself, so it is never stale.
const MEMBERS_WITH_DISPLAY = `SELECT m.member_id AS value, m.member_type AS type,
      coalesce(u.display_name, u.user_name, g.display_name) AS display
    FROM group_members m
    LEFT JOIN users u ON m.member_type = 'User' AND u.id = m.member_id
    LEFT JOIN groups g ON m.member_type = 'Group' AND g.id = m.member_id
    WHERE m.group_seq = @seq`;

// One member as a group's representation shows it (RFC 7643 §4.2), its $ref under @base.
const MEMBER_JSON = `CASE WHEN display IS NULL
    THEN json_object('value', value, '$ref', @base || CASE type WHEN 'Group' THEN '/Groups/' ELSE '/Users/' END || value, 'type', type)
    ELSE json_object('value', value, 'display', display, '$ref', @base || CASE type WHEN 'Group' THEN '/Groups/' ELSE '/Users/' END || value, 'type', type)
  END`;

/**
 * The members of group @seq as membersJson's array holds them, one row each and in its order:
 * what a streamed answer reads (read-snapshots.ts). Parameters @seq and @base.
 */
export const MEMBER_JSON_ROWS_SQL = `SELECT ${MEMBER_JSON} FROM (${MEMBERS_WITH_DISPLAY}) ORDER BY value`;

export function createGroupsRepository(db: Db) {
  const byId = db.prepare<[string, string], RawGroupRow>('SELECT * FROM groups WHERE account_id = ? AND id = ?');
  const byName = db.prepare<[string, string], RawGroupRow>('SELECT * FROM groups WHERE account_id = ? AND display_name_key = ?');
  const insert = db.prepare(`INSERT INTO groups (id, account_id, display_name, display_name_key, external_id,
      created_at, last_modified, version, resource)
    VALUES (@id, @accountId, @displayName, @displayNameKey, @externalId, @createdAt, @lastModified, 1, @resource)`);
  const update = db.prepare(`UPDATE groups SET display_name = @displayName, display_name_key = @displayNameKey,
      external_id = @externalId, last_modified = @lastModified, version = version + 1, resource = @resource
    WHERE seq = @seq`);
  // A membership change moves only the version: SETting the indexed columns to the same values
  // would still rewrite their index entries (groups_display_name, groups_external_id).
  const touchRow = db.prepare(`UPDATE groups SET last_modified = @lastModified, version = version + 1, resource = @resource WHERE seq = @seq`);
  const indexedOf = db.prepare<[number], { display_name: string; external_id: string | null }>('SELECT display_name, external_id FROM groups WHERE seq = ?');
  const remove = db.prepare('DELETE FROM groups WHERE seq = ?');
  const removeAccount = db.prepare('DELETE FROM groups WHERE account_id = ?');
  const page = db.prepare<[string, number, number], RawGroupRow>('SELECT * FROM groups WHERE account_id = ? ORDER BY seq LIMIT ? OFFSET ?');
  const count = db.prepare<[string], number>('SELECT count(*) FROM groups WHERE account_id = ?').pluck();
  const all = db.prepare<[string], RawGroupRow>('SELECT * FROM groups WHERE account_id = ? ORDER BY seq');
  const byColumn = {
    id: db.prepare<[string, string], RawGroupRow>('SELECT * FROM groups WHERE account_id = ? AND id = ?'),
    displayName: db.prepare<[string, string], RawGroupRow>('SELECT * FROM groups WHERE account_id = ? AND display_name_key = ?'),
    externalId: db.prepare<[string, string], RawGroupRow>('SELECT * FROM groups WHERE account_id = ? AND external_id = ? ORDER BY seq'),
  } as const;
  const members = db.prepare<{ seq: number; limit: number; offset: number }, MemberRow>(`${MEMBERS_WITH_DISPLAY}
    ORDER BY m.member_id LIMIT @limit OFFSET @offset`);
  // The same members, as the JSON array a group's representation holds, built by SQLite: a
  // 10,000-member group is one string, not 10,000 row objects and 10,000 member objects.
  const membersJson = db.prepare<{ seq: number; base: string }, string>(`SELECT json_group_array(json(${MEMBER_JSON}) ORDER BY value)
    FROM (${MEMBERS_WITH_DISPLAY})`).pluck();
  const memberIds = db.prepare<[number], string>('SELECT member_id FROM group_members WHERE group_seq = ?').pluck();
  const memberCount = db.prepare<[number], number>('SELECT count(*) FROM group_members WHERE group_seq = ?').pluck();
  const addMember = db.prepare('INSERT OR IGNORE INTO group_members (group_seq, member_id, member_type) VALUES (?, ?, ?)');
  const removeMember = db.prepare('DELETE FROM group_members WHERE group_seq = ? AND member_id = ?');
  const removeMemberEverywhere = db.prepare('DELETE FROM group_members WHERE member_id = ?');
  // CROSS JOIN fixes the join order: the member's rows first (group_members_member), then each
  // group by its key. Left to itself the planner walked every group of the account and probed
  // group_members for each: 1,000 probes for a user in one group.
  const groupsOfMember = db.prepare<[string, string], { id: string; displayName: string }>(`SELECT g.id, g.display_name AS displayName
    FROM group_members m CROSS JOIN groups g ON g.seq = m.group_seq
    WHERE m.member_id = ? AND g.account_id = ? ORDER BY g.seq`);
  const groupsOfMembers = db.prepare<[string, string], { memberId: string; id: string; displayName: string }>(`SELECT m.member_id AS memberId,
      g.id, g.display_name AS displayName
    FROM json_each(?) j CROSS JOIN group_members m ON m.member_id = j.value CROSS JOIN groups g ON g.seq = m.group_seq
    WHERE g.account_id = ? ORDER BY g.seq`);
  const groupCountOfMember = db.prepare<[string], number>('SELECT count(*) FROM group_members WHERE member_id = ?').pluck();
  const touchGroupsOfMember = db.prepare(`UPDATE groups SET version = version + 1, last_modified = ?
    WHERE seq IN (SELECT group_seq FROM group_members WHERE member_id = ?)`);

  return {
    findById(accountId: string, id: string): GroupRow | null {
      const raw = byId.get(accountId, id);
      return raw ? fromRawGroup(raw) : null;
    },
    findByDisplayName(accountId: string, displayName: string): GroupRow | null {
      const raw = byName.get(accountId, caseKey(displayName));
      return raw ? fromRawGroup(raw) : null;
    },
    insert(row: NewGroup): GroupRow {
      const { lastInsertRowid } = insert.run({ ...row, displayNameKey: caseKey(row.displayName) });
      return { ...row, seq: Number(lastInsertRowid), version: 1 };
    },
    update(row: GroupRow): GroupRow {
      const current = indexedOf.get(row.seq);
      if (current && current.display_name === row.displayName && current.external_id === row.externalId) touchRow.run(row);
      else update.run({ ...row, displayNameKey: caseKey(row.displayName) });
      return { ...row, version: row.version + 1 };
    },
    remove(row: GroupRow): void {
      remove.run(row.seq);
    },
    removeAccount(accountId: string): void {
      removeAccount.run(accountId);
    },
    page(accountId: string, offset: number, limit: number): GroupRow[] {
      return page.all(accountId, limit, offset).map(fromRawGroup);
    },
    count(accountId: string): number {
      return count.get(accountId)!;
    },
    candidates(accountId: string, hint: { attribute: string; value: string } | null): GroupRow[] {
      // Own keys only: an attribute named "constructor" must not find Object's.
      const stmt = hint && Object.hasOwn(byColumn, hint.attribute) ? byColumn[hint.attribute as keyof typeof byColumn] : undefined;
      // displayName is looked up by its case key; id and externalId are case-exact.
      const value = hint?.attribute === 'displayName' ? caseKey(hint.value) : hint?.value;
      return (stmt ? stmt.all(accountId, value!) : all.all(accountId)).map(fromRawGroup);
    },
    members(groupSeq: number, offset = 0, limit = -1): MemberRow[] {
      return members.all({ seq: groupSeq, limit, offset });
    },
    /** The members as serialised JSON (`[]` when none), each `$ref` under the SCIM base URL. */
    membersJson(groupSeq: number, baseUrl: string): string {
      return membersJson.get({ seq: groupSeq, base: baseUrl })!;
    },
    memberIds(groupSeq: number): string[] {
      return memberIds.all(groupSeq);
    },
    memberCount(groupSeq: number): number {
      return memberCount.get(groupSeq)!;
    },
    /** True when the member was not there before (adding an existing member changes nothing). */
    addMember(groupSeq: number, memberId: string, type: string): boolean {
      return addMember.run(groupSeq, memberId, type).changes > 0;
    },
    /** True when the member was there (removing an absent member is a no-op). */
    removeMember(groupSeq: number, memberId: string): boolean {
      return removeMember.run(groupSeq, memberId).changes > 0;
    },
    removeMemberEverywhere(memberId: string): void {
      removeMemberEverywhere.run(memberId);
    },
    groupsOf(accountId: string, memberId: string): { id: string; displayName: string }[] {
      return groupsOfMember.all(memberId, accountId);
    },
    /** groupsOf for many members in one query (a page of users), by member id. */
    groupsOfMany(accountId: string, memberIds: string[]): Map<string, { id: string; displayName: string }[]> {
      const byMember = new Map<string, { id: string; displayName: string }[]>();
      for (const { memberId, id, displayName } of groupsOfMembers.all(JSON.stringify(memberIds), accountId)) {
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
      touchGroupsOfMember.run(at, memberId);
    },
    groupCountOf(memberId: string): number {
      return groupCountOfMember.get(memberId)!;
    },
  };
}

export type GroupsRepository = ReturnType<typeof createGroupsRepository>;
