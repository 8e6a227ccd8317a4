import type { UserRow } from '../../store/users-repository.js';
import type { EventRow } from '../../store/events-repository.js';
import { ZOOMINFO_USER_SCHEMA } from '../../scim/schema/urns.js';
import { isActive } from '../../zoominfo/sign-in.js';

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

/** An event with only the fields that apply to it. */
export function presentEvent(event: EventRow) {
  const out: Record<string, unknown> = { id: event.id, at: event.at, type: event.type, idp: event.idp };
  const optional: [string, unknown][] = [
    ['level', event.level === 'info' ? null : event.level],
    ['requestEventId', event.requestEventId],
    ['requestId', event.requestId],
    ['method', event.method],
    ['path', event.path],
    ['status', event.status],
    ['durationMs', event.durationMs],
    ['userId', event.userId],
    ['groupId', event.groupId],
    ['trigger', event.trigger],
    ['message', event.message],
    ['request', event.request],
    ['response', event.response],
    ['rewrites', event.rewrites],
    ['data', event.data],
  ];
  for (const [key, value] of optional) if (value !== null && value !== undefined) out[key] = value;
  return out;
}
