import type { DeprovisionedBy } from '../store/users-repository.js';
import type { RequestContext } from '../journal.js';
import type { Settings } from '../model/settings.js';

export type Trigger = DeprovisionedBy['trigger'];

/** The group whose removal or deletion deprovisioned a user: its name is kept after it is gone. */
export interface LostGroup {
  id: string;
  displayName: string;
}

/** The record PRODUCT.md §3 keeps of the request that first deprovisioned a user. */
export function deprovisionRecord(
  ctx: Pick<RequestContext, 'method' | 'path' | 'idp' | 'requestEventId'>,
  trigger: Trigger,
  at: string,
  group?: LostGroup,
): DeprovisionedBy {
  return {
    trigger,
    method: ctx.method,
    path: ctx.path,
    idp: ctx.idp,
    at,
    eventId: ctx.requestEventId ?? null,
    // PRODUCT.md §8.1: the group is named too, so the record still says which after it is deleted.
    ...(group && { groupId: group.id, groupName: group.displayName }),
  };
}

/** Whether losing a group (by removal or by the group's deletion) deprovisions a user. */
export function groupLossDeprovisions(settings: Settings, cause: 'removal' | 'delete', groupsLeft: number): boolean {
  const rule = cause === 'removal' ? settings.deprovision.onGroupRemoval : settings.deprovision.onGroupDelete;
  return rule === 'when-no-groups' && groupsLeft === 0;
}
