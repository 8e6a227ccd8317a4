import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { DEFAULT_LIMITS, type ScimLimits } from '../scim/limits.js';
import type { UserRow, NewUser } from '../store/users-repository.js';
import type { Journal, RequestContext } from '../journal.js';
import type { Settings } from '../model/settings.js';
import { takeDigest } from '../zoominfo/passwords.js';
import { userResourceType as rt } from '../scim/schema/resource-types.js';
import { ZOOMINFO_USER_SCHEMA } from '../scim/schema/urns.js';
import { checkResource, isObject, type JsonObject } from '../scim/validate-resource.js';
import { applyPatch, type PatchOperation } from '../scim/patch/apply-patch.js';
import { metaOf, represent, representJson } from '../scim/representation.js';
import { isRequested, onlyExcludes, type Projection } from '../scim/projection.js';
import { checkIfMatch } from '../scim/etag.js';
import { notFound, uniqueness, invalidValue } from '../scim/errors.js';
import { listResources, type ListResult } from './list.js';
import type { ListParams } from '../scim/list-params.js';
import { journalTransition, withActiveState } from './user-lifecycle.js';
import { deprovisionRecord } from '../zoominfo/deprovisioning.js';
import { writeTransaction } from './write.js';
import { diffResources, sameJson, secretChange, summarise } from './changes.js';

const emailsOf = (resource: JsonObject): string[] =>
  Array.isArray(resource.emails) ? resource.emails.flatMap((e) => (isObject(e) && typeof e.value === 'string' ? [e.value] : [])) : [];

/**
 * ZoomInfo gives every user a role: "User" unless the IdP says otherwise (PRODUCT.md §2). A write
 * that names no role keeps the one the user has (PRODUCT.md §8.1): an Okta PUT carries no ZoomInfo
 * extension at all, and must not demote an Admin by omission, as `active` is kept too.
 */
function withZoomInfoDefaults(resource: JsonObject, roleBefore = 'User'): JsonObject {
  const ext = isObject(resource[ZOOMINFO_USER_SCHEMA]) ? (resource[ZOOMINFO_USER_SCHEMA] as JsonObject) : {};
  return { ...resource, [ZOOMINFO_USER_SCHEMA]: { ...ext, role: ext.role ?? roleBefore } };
}

const roleIn = (resource: JsonObject): string => ((resource[ZOOMINFO_USER_SCHEMA] as JsonObject | undefined)?.role as string | undefined) ?? 'User';

/** The indexed columns of a user row, derived from its resource. */
function columnsOf(resource: JsonObject) {
  return {
    userName: resource.userName as string,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    displayName: typeof resource.displayName === 'string' ? resource.displayName : null,
    active: resource.active !== false,
  };
}

export function createUsersService(store: Store, journal: Journal, limits: ScimLimits = DEFAULT_LIMITS) {
  const settingsOf = (accountId: string): Settings => store.accounts.find(accountId)!.settings;

  /** The user as SCIM shows it, or 404 when SCIM may not see it (PRODUCT.md §3 visibility). */
  function visibleRow(ctx: RequestContext, id: string): UserRow {
    const row = store.users.findVisibleById(ctx.accountId, id, settingsOf(ctx.accountId).scimVisibility);
    if (!row) throw notFound(`User ${id} not found`);
    return row;
  }

  /** `groupsOf`, when given, holds the groups of the users of a whole page, read in one query. */
  function toScim(ctx: RequestContext, row: UserRow, projection: Projection = {}, groupsOf?: Map<string, { id: string; displayName: string }[]>): JsonObject {
    const stored = JSON.parse(row.resource) as JsonObject;
    const derived: JsonObject = {};
    if (isRequested(rt, projection, 'groups')) {
      const groups = groupsOf ? (groupsOf.get(row.id) ?? []) : store.groups.groupsOf(ctx.accountId, row.id);
      if (groups.length) {
        derived.groups = groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${ctx.baseUrl}/Groups/${g.id}`, type: 'direct' }));
      }
    }
    return represent(rt, stored, metaOf(row, ctx.baseUrl), derived);
  }

  /** The groups of a row read by get(), already as JSON (read with the user, in one statement). */
  const groupsJsonOf = new WeakMap<UserRow, string>();

  /** toScim as JSON text, without parsing the stored document (representJson); null when the projection needs the object path. */
  function toScimJson(ctx: RequestContext, row: UserRow, projection: Projection = {}, groupsOf?: Map<string, { id: string; displayName: string }[]>): string | null {
    if (!onlyExcludes(rt, projection, ['groups'])) return null;
    const derived: [string, string][] = [];
    const known = groupsJsonOf.get(row);
    if (known !== undefined) {
      if (known !== '[]' && isRequested(rt, projection, 'groups')) derived.push(['groups', known]);
    } else if (isRequested(rt, projection, 'groups')) {
      const groups = groupsOf ? (groupsOf.get(row.id) ?? []) : store.groups.groupsOf(ctx.accountId, row.id);
      if (groups.length) {
        derived.push(['groups', JSON.stringify(groups.map((g) => ({ value: g.id, display: g.displayName, $ref: `${ctx.baseUrl}/Groups/${g.id}`, type: 'direct' })))]);
      }
    }
    return representJson(rt, row.resource, metaOf(row, ctx.baseUrl), derived);
  }

  /** userName is unique per account without case, hidden local users included (PRODUCT.md §3). */
  function assertUserNameFree(accountId: string, userName: string, selfId?: string): void {
    const holder = store.users.findByUserName(accountId, userName);
    if (holder && holder.id !== selfId) throw uniqueness(`userName "${userName}" is already taken`);
  }

  /** `stored` is the user's stored document, parsed (the caller has it already, or it is parsed here). */
  function save(ctx: RequestContext, before: UserRow, resource: JsonObject, password: string | undefined, at: string, stored = JSON.parse(before.resource) as JsonObject): UserRow {
    const columns = columnsOf(resource);
    if (columns.userName.toLowerCase() !== before.userName.toLowerCase()) assertUserNameFree(ctx.accountId, columns.userName, before.id);
    const next = withActiveState(ctx, before, {
      ...before,
      ...columns,
      // A SCIM write to a local user (possible under "all") claims it: it becomes SSO-linked.
      ssoLinked: true,
      passwordDigest: password !== undefined ? takeDigest(ctx.passwordDigests, password) : before.passwordDigest,
      lastModified: at,
      resource: JSON.stringify(resource),
    }, at);
    const saved = store.users.update(next, emailsOf(resource));
    // Groups show a member's display (displayName, else userName): their ETags follow it.
    if ((saved.displayName ?? saved.userName) !== (before.displayName ?? before.userName)) store.groups.touchGroupsOf(saved.id, at);
    const changes = diffResources(stored, resource, password !== undefined ? [secretChange('password')] : []);
    if (before.source === 'local' && !before.ssoLinked) {
      // PRODUCT.md §8.2: a local user taken over by SCIM is a claim, not an ordinary update.
      journal.change(ctx, { type: 'user.claimed', userId: saved.id, message: `local user ${saved.userName} claimed by SCIM: now SSO-linked`, data: { ssoLinked: { from: false, to: true } } });
    }
    const role = { from: roleIn(stored), to: roleIn(resource) };
    if (role.from !== role.to) {
      // An explicit role change says so; an Admin losing the role is a warning (PRODUCT.md §8.1, §8.2).
      journal.change(ctx, { type: 'user.updated', level: role.from === 'Admin' ? 'warning' : 'info', userId: saved.id, message: `${saved.userName}: role ${role.from} -> ${role.to}`, data: { role }, changes });
    } else {
      journal.change(ctx, { type: 'user.updated', userId: saved.id, message: `${saved.userName} updated${summarise(changes)}`, changes });
    }
    journalTransition(journal, ctx, before, saved, 'active-false');
    return saved;
  }

  return {
    toScim,
    toScimJson,

    get(ctx: RequestContext, id: string): UserRow {
      const found = store.users.findVisibleWithGroups(ctx.accountId, id, settingsOf(ctx.accountId).scimVisibility, `${ctx.baseUrl}/Groups/`);
      if (!found) throw notFound(`User ${id} not found`);
      groupsJsonOf.set(found.row, found.groupsJson);
      return found.row;
    },

    list(ctx: RequestContext, params: ListParams): ListResult<UserRow> {
      const visibility = settingsOf(ctx.accountId).scimVisibility;
      // A page's users get their groups in one query, not one each.
      let groupsOf: Map<string, { id: string; displayName: string }[]> | undefined;
      const withGroups = (rows: UserRow[]) => {
        groupsOf = rows.length > 1 && rows.length <= limits.maxResults ? store.groups.groupsOfMany(ctx.accountId, rows.map((r) => r.id)) : undefined;
        return rows;
      };
      return listResources(rt, params, {
        page: (offset, limit) => withGroups(store.users.page(ctx.accountId, visibility, offset, limit)),
        count: () => store.users.count(ctx.accountId, visibility),
        candidates: (hint) => withGroups(store.users.candidates(ctx.accountId, visibility, hint)),
        sortedPage: (attribute, order, offset, limit) =>
          attribute === 'userName' ? withGroups(store.users.pageByUserName(ctx.accountId, visibility, order, offset, limit)) : null,
        represent: (row, needs) => toScim(ctx, row, needs, groupsOf),
        representJson: (row, needs) => toScimJson(ctx, row, needs, groupsOf),
      }, limits);
    },

    create(ctx: RequestContext, body: unknown): UserRow {
      const { resource: checked, password } = checkResource(rt, body, limits);
      const resource = withZoomInfoDefaults(checked);
      if (resource.active === undefined) resource.active = true;
      const at = new Date().toISOString();
      return writeTransaction(store, journal, ctx, () => {
        const columns = columnsOf(resource);
        assertUserNameFree(ctx.accountId, columns.userName);
        const row = withActiveState<NewUser>(ctx, null, {
          id: randomUUID(),
          accountId: ctx.accountId,
          ...columns,
          source: 'scim',
          ssoLinked: true,
          passwordDigest: password !== undefined ? takeDigest(ctx.passwordDigests, password) : null,
          scimDeletedAt: null,
          deprovisionedAt: null,
          deprovisionedBy: null,
          createdAt: at,
          lastModified: at,
          resource: JSON.stringify(resource),
        }, at);
        const saved = store.users.insert(row, emailsOf(resource));
        journal.change(ctx, { type: 'user.provisioned', userId: saved.id, message: `${saved.userName} provisioned` });
        if (saved.deprovisionedBy) journal.change(ctx, { type: 'user.deprovisioned', userId: saved.id, trigger: 'active-false', message: `${saved.userName} created inactive` });
        return saved;
      });
    },

    /** RFC 7644 §3.5.1 with PRODUCT.md §3: missing readWrite attributes are cleared, except active. */
    replace(ctx: RequestContext, id: string, body: unknown, ifMatch?: string): UserRow {
      const { resource: checked, password } = checkResource(rt, body, limits);
      const at = new Date().toISOString();
      return writeTransaction(store, journal, ctx, () => {
        const before = visibleRow(ctx, id);
        checkIfMatch(ifMatch, before.version);
        const resource = withZoomInfoDefaults(checked, roleIn(JSON.parse(before.resource) as JsonObject));
        if (resource.active === undefined) resource.active = before.active;
        return save(ctx, before, resource, password, at);
      });
    },

    patch(ctx: RequestContext, id: string, operations: PatchOperation[], ifMatch?: string): UserRow {
      const at = new Date().toISOString();
      return writeTransaction(store, journal, ctx, () => {
        const before = visibleRow(ctx, id);
        checkIfMatch(ifMatch, before.version);
        if (operations.length === 0) return before;
        // Parsed twice: applyPatch works on its own copy, the other is the "before" of the diff.
        const stored = JSON.parse(before.resource) as JsonObject;
        const result = applyPatch(rt, JSON.parse(before.resource) as JsonObject, operations, limits);
        const resource = withZoomInfoDefaults(result.resource, roleIn(stored));
        if (resource.active === undefined) resource.active = before.active;
        if (typeof resource.active !== 'boolean') throw invalidValue('active must be a boolean');
        // PRODUCT.md §8.3: a PATCH that changes nothing the client can see keeps meta.version
        // (and writes nothing); a local user is still claimed by it (that is a change, if unseen).
        if (result.password === undefined && before.ssoLinked && sameJson(resource, stored)) return before;
        return save(ctx, before, resource, result.password, at, stored);
      });
    },

    /** DELETE deprovisions under onDelete "deactivate" (the record stays) or erases under "remove". */
    remove(ctx: RequestContext, id: string, ifMatch?: string): void {
      const at = new Date().toISOString();
      writeTransaction(store, journal, ctx, () => {
        const before = visibleRow(ctx, id);
        checkIfMatch(ifMatch, before.version);
        const { onDelete } = settingsOf(ctx.accountId).deprovision;
        store.groups.touchGroupsOf(before.id, at); // their members change: so do their ETags
        store.groups.removeMemberEverywhere(before.id);
        if (onDelete === 'remove') {
          store.users.erase(before);
          journal.change(ctx, { type: 'user.deleted', userId: before.id, trigger: 'delete', message: `${before.userName} erased` });
          return;
        }
        const resource = JSON.parse(before.resource) as JsonObject;
        resource.active = false;
        const next: UserRow = { ...before, active: false, scimDeletedAt: at, lastModified: at, resource: JSON.stringify(resource) };
        if (!before.deprovisionedBy) {
          next.deprovisionedAt = at;
          next.deprovisionedBy = deprovisionRecord(ctx, 'delete', at);
        }
        const saved = store.users.update(next);
        journal.change(ctx, { type: 'user.deleted', userId: before.id, trigger: 'delete', message: `${before.userName} deleted from SCIM (record kept)` });
        journalTransition(journal, ctx, before, saved, 'delete');
      });
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
