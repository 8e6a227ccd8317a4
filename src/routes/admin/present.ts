import type { FastifyInstance } from 'fastify';
import type { UserRow } from '../../model/users.js';
import type { EventRow } from '../../model/journal.js';
import { ZOOMINFO_USER_SCHEMA } from '../../scim/schema/urns.js';
import { isActive } from '../../zoominfo/sign-in.js';

/** The store as the app decorates it: routes name no module of src/store (docs/storage.md). */
type Store = FastifyInstance['store'];

/** A user as the admin API lists it (PRODUCT.md §5). */
export function presentUser(row: UserRow) {
  const resource = JSON.parse(row.resource) as Record<string, unknown>;
  const zoominfo = (resource[ZOOMINFO_USER_SCHEMA] ?? {}) as { role?: string; licenses?: string[] };
  return {
    id: row.id,
    userName: row.userName,
    name: (resource.name as Record<string, unknown> | undefined) ?? null,
    displayName: row.displayName,
    role: zoominfo.role ?? 'User',
    licenses: zoominfo.licenses ?? [],
    source: row.source,
    ssoLinked: row.ssoLinked,
    status: isActive(row) ? 'active' : 'deprovisioned',
    scimDeleted: row.scimDeletedAt !== null,
    deprovisionedAt: row.deprovisionedAt,
    deprovisionedBy: row.deprovisionedBy,
    createdAt: row.createdAt,
    lastModified: row.lastModified,
  };
}

/** Names for the ids a page of events mentions (deleted users and groups have none). */
export interface EventNames {
  users: Map<string, string>;
  groups: Map<string, string>;
}

/** The names behind a page of events' user and group ids, read in one statement each. */
export function namesFor(store: Store, accountId: string, events: readonly EventRow[]): EventNames {
  return {
    users: store.names.userNames(accountId, events.flatMap((e) => (e.userId ? [e.userId] : []))),
    groups: store.names.groupNames(accountId, events.flatMap((e) => (e.groupId ? [e.groupId] : []))),
  };
}

/** An event with only the fields that apply to it; `actor` always (PRODUCT.md §8.2). */
export function presentEvent(event: EventRow, names?: EventNames) {
  const out: Record<string, unknown> = { id: event.id, at: event.at, type: event.type, actor: event.actor, idp: event.idp };
  const optional: [string, unknown][] = [
    ['idpInferred', event.idpInferred || null],
    ['level', event.level === 'info' ? null : event.level],
    ['requestEventId', event.requestEventId],
    ['requestId', event.requestId],
    ['method', event.method],
    ['path', event.path],
    ['status', event.status],
    ['durationMs', event.durationMs],
    ['userId', event.userId],
    ['userName', event.userId ? names?.users.get(event.userId) : null],
    ['groupId', event.groupId],
    ['groupName', event.groupId ? names?.groups.get(event.groupId) : null],
    ['trigger', event.trigger],
    ['message', event.message],
    ['changes', event.changes],
    ['headers', event.headers],
    ['request', event.request],
    ['response', event.response],
    ['rewrites', event.rewrites],
    ['data', event.data],
  ];
  for (const [key, value] of optional) if (value !== null && value !== undefined) out[key] = value;
  return out;
}

/** A page of events, each with the names of the user and group it mentions. */
export const presentEvents = (store: Store, accountId: string, events: readonly EventRow[]) => {
  const names = namesFor(store, accountId, events);
  return events.map((e) => presentEvent(e, names));
};
