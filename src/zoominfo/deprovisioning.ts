import type { DeprovisionedBy } from '../store/users-repository.js';
import type { RequestContext } from '../journal.js';
import type { Settings } from './settings.js';

export type Trigger = DeprovisionedBy['trigger'];

/** The record PRODUCT.md §3 keeps of the request that first deprovisioned a user. */
export function deprovisionRecord(ctx: RequestContext, trigger: Trigger, at: string, groupId?: string): DeprovisionedBy {
  return {
    trigger,
    method: ctx.method,
    path: ctx.path,
    idp: ctx.idp,
    at,
    eventId: ctx.requestEventId ?? null,
    ...(groupId && { groupId }),
  };
}

/** Whether losing a group (by removal or by the group's deletion) deprovisions a user. */
export function groupLossDeprovisions(settings: Settings, cause: 'removal' | 'delete', groupsLeft: number): boolean {
  const rule = cause === 'removal' ? settings.deprovision.onGroupRemoval : settings.deprovision.onGroupDelete;
  return rule === 'when-no-groups' && groupsLeft === 0;
}
