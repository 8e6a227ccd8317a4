import type { Store } from '../store/store.js';
import type { UserRow } from '../store/users-repository.js';
import type { Journal, RequestContext } from '../journal.js';
import { deprovisionRecord, type LostGroup, type Trigger } from '../zoominfo/deprovisioning.js';

/**
 * Moves a user between active and deprovisioned, journaling the change. `deprovisionedBy` names
 * the first request that deprovisioned the user and is kept until a reactivation clears it.
 */
export function setActive(
  store: Store,
  journal: Journal,
  ctx: RequestContext,
  row: UserRow,
  active: boolean,
  trigger: Trigger,
  at: string,
  group?: LostGroup,
): UserRow {
  const resource = JSON.parse(row.resource) as Record<string, unknown>;
  resource.active = active;
  const next: UserRow = { ...row, active, resource: JSON.stringify(resource), lastModified: at };
  if (!active && row.deprovisionedBy === null) {
    journal.requestEvent(ctx, null);
    next.deprovisionedAt = at;
    next.deprovisionedBy = deprovisionRecord(ctx, trigger, at, group);
  } else if (active && row.deprovisionedBy !== null) {
    next.deprovisionedAt = null;
    next.deprovisionedBy = null;
  }
  const saved = store.users.update(next);
  journalTransition(journal, ctx, row, saved, trigger, group);
  return saved;
}

/** Journals deprovisioning or reactivation when a write changed the user's state. */
export function journalTransition(
  journal: Journal,
  ctx: RequestContext,
  before: UserRow,
  after: UserRow,
  trigger: Trigger,
  group?: LostGroup,
): void {
  const wasDeprovisioned = before.deprovisionedBy !== null;
  const isDeprovisioned = after.deprovisionedBy !== null;
  if (!wasDeprovisioned && isDeprovisioned) {
    journal.change(ctx, {
      type: 'user.deprovisioned',
      userId: after.id,
      groupId: group?.id ?? null,
      trigger,
      message: `${after.userName} deprovisioned (${trigger}${group ? `: ${group.displayName}` : ''})`,
    });
  } else if (wasDeprovisioned && !isDeprovisioned) {
    journal.change(ctx, { type: 'user.reactivated', userId: after.id, message: `${after.userName} reactivated` });
  }
}

/** Derives the deprovisioning columns of a row whose `active` a SCIM write just set. */
export function withActiveState<T extends Pick<UserRow, 'active' | 'deprovisionedAt' | 'deprovisionedBy'>>(ctx: RequestContext, before: UserRow | null, next: T, at: string): T {
  if (!next.active && (before?.deprovisionedBy ?? null) === null) {
    return { ...next, deprovisionedAt: at, deprovisionedBy: deprovisionRecord(ctx, 'active-false', at) };
  }
  if (next.active) return { ...next, deprovisionedAt: null, deprovisionedBy: null };
  return next;
}
