import { randomUUID } from 'node:crypto';
import type { Filter } from 'scim2-parse-filter';
import type { Store } from '../store/store.js';
import { DEFAULT_LIMITS, type ScimLimits } from '../scim/limits.js';
import type { GroupRow } from '../store/groups-repository.js';
import type { Journal, RequestContext } from '../journal.js';
import { groupLossDeprovisions } from '../zoominfo/deprovisioning.js';
import { groupResourceType as rt } from '../scim/schema/resource-types.js';
import { checkResource, type JsonObject } from '../scim/validate-resource.js';
import { applyPatch, type MemberChange, type MemberValue, type PatchOperation } from '../scim/patch/apply-patch.js';
import { compileFilter } from '../scim/filter/evaluate-filter.js';
import { canRepresentJson, metaOf, represent, representJson } from '../scim/representation.js';
import { isRequested, onlyExcludes, type Projection } from '../scim/projection.js';
import { checkIfMatch } from '../scim/etag.js';
import type { ListParams } from '../scim/list-params.js';
import { invalidValue, notFound, tooMany, uniqueness } from '../scim/errors.js';
import { listResources, type ListResult } from './list.js';
import { setActive } from './user-lifecycle.js';
import { writeTransaction } from './write.js';
import { diffResources } from './changes.js';

/** Splits a checked Group into what the group row stores and its members. */
function splitMembers(resource: JsonObject): { stored: JsonObject; members: MemberValue[] } {
  const { members, ...stored } = resource;
  const list = Array.isArray(members) ? (members as JsonObject[]) : [];
  return {
    stored,
    members: list.map((m, i) => {
      // The schema check lets a member through with only `display`; a member is named by its value.
      if (typeof m.value !== 'string' || m.value === '') throw invalidValue(`members[${i}] needs a string "value"`);
      return { value: m.value, ...(typeof m.type === 'string' && { type: m.type }) };
    }),
  };
}

/** A member row as SCIM shows it (RFC 7643 §4.2: value, display, $ref, type). */
const memberAsShown = (ctx: RequestContext, m: { value: string; display: string | null; type: string }): JsonObject => ({
  value: m.value,
  ...(m.display !== null && { display: m.display }),
  $ref: `${ctx.baseUrl}/${m.type === 'Group' ? 'Groups' : 'Users'}/${m.value}`,
  type: m.type,
});

/**
 * From this many members a group's full answer is streamed from a read snapshot instead of built in
 * memory (README, "Big groups"). Each member is over 100 bytes of JSON, so such an answer is past
 * the 64 KB of a response the journal keeps: streaming it takes nothing from the journal.
 */
export const STREAM_MEMBERS_FROM = 1000;

/** Members per piece of a streamed answer (about 40 KB of JSON). */
const MEMBERS_PER_PIECE = 256;

/** A resource's answer streamed from a snapshot of its own (store/read-snapshots.ts). */
export interface StreamedResource {
  /**
   * Once the snapshot has begun: the resource's version there and its JSON text in pieces (the same
   * text toScimJson builds); null when it is not there, or there is no snapshot to read (its
   * writes were rolled back, or an I/O error). The snapshot ends with the last piece.
   */
  open(): { version: number; pieces: Generator<string, void, undefined> } | null;
  /** Ends the snapshot (an answer never sent, a client gone); safe to call more than once. */
  close(): void;
}

// Where the members' text goes in representJson's output: `,"members":@` can only be that spot,
// since the stored body precedes it and `meta`, which follows, is JSON.stringify's own text.
const MEMBERS_SLOT = ',"members":@';

/** How many members a set of changes names: what MAX_MEMBERS_PER_REQUEST bounds. */
const membersNamed = (changes: MemberChange[]): number =>
  changes.reduce((n, c) => n + ('members' in c ? c.members.length : 'values' in c ? c.values.length : 0), 0);

export function createGroupsService(store: Store, journal: Journal, limits: ScimLimits = DEFAULT_LIMITS) {
  function assertMemberLimit(changes: MemberChange[]): void {
    const named = membersNamed(changes);
    if (named > limits.membersPerRequest) {
      throw tooMany(`the request names ${named} members; at most ${limits.membersPerRequest} are accepted per request (MAX_MEMBERS_PER_REQUEST)`, 413);
    }
  }

  const settingsOf = (accountId: string) => store.accounts.find(accountId)!.settings;

  function findRow(ctx: RequestContext, id: string): GroupRow {
    const row = store.groups.findById(ctx.accountId, id);
    if (!row) throw notFound(`Group ${id} not found`);
    return row;
  }

  function toScim(ctx: RequestContext, row: GroupRow, projection: Projection = {}): JsonObject {
    const derived: JsonObject = {};
    // Entra lists groups with excludedAttributes=members: then members are never read.
    if (isRequested(rt, projection, 'members')) {
      const members = store.groups.members(row.seq);
      if (members.length) {
        derived.members = members.map((m) => memberAsShown(ctx, m));
      }
    }
    const stored = JSON.parse(row.resource) as JsonObject;
    return represent(rt, stored, metaOf(row, ctx.baseUrl), derived);
  }

  /**
   * toScim as JSON text, without parsing the stored document (representJson) and with the members
   * serialised by SQLite; null when the projection needs the object path.
   */
  function toScimJson(ctx: RequestContext, row: GroupRow, projection: Projection = {}): string | null {
    if (!onlyExcludes(rt, projection, ['members'])) return null;
    const derived: [string, string][] = [];
    if (isRequested(rt, projection, 'members')) {
      const members = store.groups.membersJson(row.seq, ctx.baseUrl);
      if (members !== '[]') derived.push(['members', members]);
    }
    return representJson(rt, row.resource, metaOf(row, ctx.baseUrl), derived);
  }

  /**
   * A group's full representation, streamed from a read snapshot when it is big and the store can:
   * taken now (a read), or as the pending writes commit (a write's answer, which must show exactly
   * their outcome). Null when the answer is built in memory.
   */
  function toScimStream(ctx: RequestContext, row: GroupRow, projection: Projection, when: 'now' | 'after-commit'): StreamedResource | null {
    if (!store.snapshots || !isRequested(rt, projection, 'members') || !onlyExcludes(rt, projection, ['members'])) return null;
    if (store.groups.memberCount(row.seq) < STREAM_MEMBERS_FROM) return null;
    // A stored document representJson declines is answered by the object path, in memory.
    if (!canRepresentJson(row.resource, ['members'])) return null;
    const snapshot = when === 'now' ? store.snapshots.now() : store.snapshots.afterCommit();
    if (!snapshot) return null;
    return {
      open() {
        const group = snapshot.group(row.seq);
        const json = group && representJson(rt, group.resource, metaOf(group, ctx.baseUrl), [['members', '@']]);
        if (!group || !json) {
          snapshot.close();
          return null;
        }
        const slot = json.lastIndexOf(MEMBERS_SLOT);
        const head = json.slice(0, slot);
        const tail = json.slice(slot + MEMBERS_SLOT.length);
        const pieces = function* (): Generator<string, void, undefined> {
          try {
            let first = true;
            for (const piece of snapshot.memberPieces(group!.seq, ctx.baseUrl, MEMBERS_PER_PIECE)) {
              yield first ? `${head},"members":[${piece}` : `,${piece}`;
              first = false;
            }
            // No members left in the snapshot: no `members` at all, as toScimJson answers.
            yield first ? head + tail : `]${tail}`;
          } finally {
            snapshot.close();
          }
        };
        return { version: group.version, pieces: pieces() };
      },
      close: () => snapshot.close(),
    };
  }

  function assertNameFree(accountId: string, displayName: string, selfId?: string): void {
    const holder = store.groups.findByDisplayName(accountId, displayName);
    if (holder && holder.id !== selfId) throw uniqueness(`displayName "${displayName}" is already taken`);
  }

  /** A member must be a user SCIM can see, or a group, of this account. */
  function memberType(ctx: RequestContext, member: MemberValue, groupId: string): 'User' | 'Group' {
    const visibility = settingsOf(ctx.accountId).scimVisibility;
    if (store.users.findVisibleById(ctx.accountId, member.value, visibility)) return 'User';
    if (member.value !== groupId && store.groups.findById(ctx.accountId, member.value)) return 'Group';
    throw invalidValue(`members: no user or group with id "${member.value}"`);
  }

  /** Applies membership changes row by row and returns the ids that left the group. */
  function applyMemberChanges(ctx: RequestContext, group: GroupRow, changes: MemberChange[], at: string): { added: string[]; removed: string[] } {
    const added = new Set<string>();
    const removed = new Set<string>();
    const add = (members: MemberValue[]) => {
      for (const m of members) {
        if (store.groups.addMember(group.seq, m.value, memberType(ctx, m, group.id))) {
          if (!removed.delete(m.value)) added.add(m.value);
        }
      }
    };
    const remove = (ids: Iterable<string>) => {
      for (const id of ids) {
        if (store.groups.removeMember(group.seq, id)) {
          if (!added.delete(id)) removed.add(id);
        }
      }
    };
    for (const change of changes) {
      switch (change.kind) {
        case 'add':
          add(change.members);
          break;
        case 'replace': {
          const keep = new Set(change.members.map((m) => m.value));
          remove(store.groups.memberIds(group.seq).filter((id) => !keep.has(id)));
          add(change.members);
          break;
        }
        case 'remove':
          remove(change.values);
          break;
        case 'removeAll':
          remove(store.groups.memberIds(group.seq));
          break;
        case 'removeWhere':
          remove(matchingMembers(ctx, group, change.filter));
          break;
      }
    }
    for (const id of added) {
      store.users.touch(ctx.accountId, id, at);
      journal.change(ctx, { type: 'member.added', groupId: group.id, userId: id, message: `added to ${group.displayName}` });
    }
    for (const id of removed) {
      store.users.touch(ctx.accountId, id, at);
      journal.change(ctx, { type: 'member.removed', groupId: group.id, userId: id, message: `removed from ${group.displayName}` });
    }
    return { added: [...added], removed: [...removed] };
  }

  function matchingMembers(ctx: RequestContext, group: GroupRow, filter: Filter): string[] {
    // The common case, members[value eq "id"], touches one row; anything else reads the members.
    if (filter.op === 'eq' && filter.attrPath === 'value' && typeof filter.compValue === 'string') return [filter.compValue];
    // Compiled as a tree, never re-parsed from its text: the package's stringify/parse round trip
    // breaks on `$ref`, backslashes and `not`, which answered 500 (found by conformance suites).
    const matches = compileFilter(rt, { op: '[]', attrPath: 'members', valFilter: filter });
    // Matched as SCIM shows each member, `$ref` included (`members[$ref eq "<location>"]`).
    return store.groups.members(group.seq).filter((m) => matches({ members: [memberAsShown(ctx, m)] })).map((m) => m.value);
  }

  /** PRODUCT.md §3 group rules: a user who lost their last group may be deprovisioned. */
  function applyGroupLoss(ctx: RequestContext, group: GroupRow, userIds: string[], cause: 'removal' | 'delete', at: string): void {
    const settings = settingsOf(ctx.accountId);
    for (const id of userIds) {
      const user = store.users.findById(ctx.accountId, id);
      if (!user || !user.active || user.scimDeletedAt) continue;
      if (groupLossDeprovisions(settings, cause, store.groups.groupCountOf(id))) {
        setActive(store, journal, ctx, user, false, cause === 'removal' ? 'group-removal' : 'group-delete', at, { id: group.id, displayName: group.displayName });
      }
    }
  }

  function saveGroup(ctx: RequestContext, before: GroupRow, stored: JsonObject, at: string, membershipChanged: boolean): GroupRow {
    const displayName = stored.displayName as string;
    if (displayName.toLowerCase() !== before.displayName.toLowerCase()) assertNameFree(ctx.accountId, displayName, before.id);
    const resourceJson = JSON.stringify(stored);
    if (resourceJson === before.resource && !membershipChanged) return before;
    const saved = store.groups.update({
      ...before,
      displayName,
      externalId: typeof stored.externalId === 'string' ? stored.externalId : null,
      lastModified: at,
      resource: resourceJson,
    });
    if (displayName !== before.displayName) {
      // Member users show it in groups[].display and parent groups in members[].display.
      store.users.touchMembersOf(before.seq, at);
      store.groups.touchGroupsOf(before.id, at);
    }
    if (resourceJson !== before.resource) {
      const renamed = displayName !== before.displayName ? ` (renamed from ${before.displayName})` : '';
      const changes = diffResources(JSON.parse(before.resource) as JsonObject, stored);
      journal.change(ctx, { type: 'group.updated', groupId: saved.id, message: `${displayName} updated${renamed}`, changes });
    }
    return saved;
  }

  return {
    toScim,
    toScimJson,
    toScimStream,

    get(ctx: RequestContext, id: string): GroupRow {
      return findRow(ctx, id);
    },

    list(ctx: RequestContext, params: ListParams): ListResult<GroupRow> {
      return listResources(rt, params, {
        page: (offset, limit) => store.groups.page(ctx.accountId, offset, limit),
        count: () => store.groups.count(ctx.accountId),
        candidates: (hint) => store.groups.candidates(ctx.accountId, hint),
        represent: (row, projection) => toScim(ctx, row, projection),
        representJson: (row, projection) => toScimJson(ctx, row, projection),
      }, limits);
    },

    create(ctx: RequestContext, body: unknown): GroupRow {
      const { stored, members } = splitMembers(checkResource(rt, body, limits).resource);
      const at = new Date().toISOString();
      return writeTransaction(store, journal, ctx, () => {
        assertNameFree(ctx.accountId, stored.displayName as string);
        const group = store.groups.insert({
          id: randomUUID(),
          accountId: ctx.accountId,
          displayName: stored.displayName as string,
          externalId: typeof stored.externalId === 'string' ? stored.externalId : null,
          createdAt: at,
          lastModified: at,
          resource: JSON.stringify(stored),
        });
        journal.change(ctx, { type: 'group.created', groupId: group.id, message: `${group.displayName} created` });
        assertMemberLimit([{ kind: 'add', members }]);
        applyMemberChanges(ctx, group, [{ kind: 'add', members }], at);
        return group;
      });
    },

    replace(ctx: RequestContext, id: string, body: unknown, ifMatch?: string): GroupRow {
      const { stored, members } = splitMembers(checkResource(rt, body, limits).resource);
      const at = new Date().toISOString();
      return writeTransaction(store, journal, ctx, () => {
        const before = findRow(ctx, id);
        checkIfMatch(ifMatch, before.version);
        assertMemberLimit([{ kind: 'replace', members }]);
        const { added, removed } = applyMemberChanges(ctx, before, [{ kind: 'replace', members }], at);
        const saved = saveGroup(ctx, before, stored, at, added.length + removed.length > 0);
        applyGroupLoss(ctx, saved, removed, 'removal', at);
        return saved;
      });
    },

    patch(ctx: RequestContext, id: string, operations: PatchOperation[], ifMatch?: string): GroupRow {
      const at = new Date().toISOString();
      return writeTransaction(store, journal, ctx, () => {
        const before = findRow(ctx, id);
        checkIfMatch(ifMatch, before.version);
        if (operations.length === 0) return before;
        const result = applyPatch(rt, JSON.parse(before.resource) as JsonObject, operations, limits);
        assertMemberLimit(result.memberChanges);
        const { added, removed } = applyMemberChanges(ctx, before, result.memberChanges, at);
        const saved = saveGroup(ctx, before, splitMembers(result.resource).stored, at, added.length + removed.length > 0);
        applyGroupLoss(ctx, saved, removed, 'removal', at);
        return saved;
      });
    },

    remove(ctx: RequestContext, id: string, ifMatch?: string): void {
      const at = new Date().toISOString();
      writeTransaction(store, journal, ctx, () => {
        const before = findRow(ctx, id);
        checkIfMatch(ifMatch, before.version);
        const memberIds = store.groups.memberIds(before.seq);
        store.groups.remove(before);
        store.groups.touchGroupsOf(before.id, at); // parent groups lose a member: new ETags
        store.groups.removeMemberEverywhere(before.id);
        for (const memberId of memberIds) store.users.touch(ctx.accountId, memberId, at);
        journal.change(ctx, { type: 'group.deleted', groupId: before.id, message: `${before.displayName} deleted with ${memberIds.length} members` });
        // PRODUCT.md §8.1: each member's timeline says they left the group, as a removal would.
        for (const memberId of memberIds) {
          journal.change(ctx, { type: 'member.removed', groupId: before.id, userId: memberId, message: `removed from ${before.displayName} (group deleted)`, data: { cause: 'group-delete' } });
        }
        applyGroupLoss(ctx, before, memberIds, 'delete', at);
      });
    },
  };
}

export type GroupsService = ReturnType<typeof createGroupsService>;
