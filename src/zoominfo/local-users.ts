import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { UserRow } from '../store/users-repository.js';
import { ZOOMINFO_USER_SCHEMA } from '../scim/schema/urns.js';
import { hashPassword } from './passwords.js';
import { guardAdminAction } from './lockout-guard.js';
import { deprovisionRecord } from './deprovisioning.js';
import { diffResources } from '../provisioning/changes.js';
import { canSignIn, isAdmin, roleOf } from './sign-in.js';

export const SEEDED_ADMIN = 'admin@example.com';

export interface LocalUserInput {
  userName: string;
  name?: { givenName?: string; familyName?: string; formatted?: string };
  role?: 'User' | 'Admin';
  password?: string;
}

/** A user made in ZoomInfo itself (owner, pre-existing staff): password sign-in, not SSO-linked. */
export function createLocalUser(store: Store, accountId: string, input: LocalUserInput): UserRow {
  const at = new Date().toISOString();
  const resource = {
    userName: input.userName,
    ...(input.name && { name: input.name }),
    emails: [{ value: input.userName, type: 'work', primary: true }],
    active: true,
    [ZOOMINFO_USER_SCHEMA]: { role: input.role ?? 'User' },
  };
  return store.users.insert(
    {
      id: randomUUID(),
      accountId,
      userName: input.userName,
      externalId: null,
      displayName: input.name?.formatted ?? null,
      active: true,
      source: 'local',
      ssoLinked: false,
      passwordDigest: input.password ? hashPassword(input.password) : null,
      scimDeletedAt: null,
      deprovisionedAt: null,
      deprovisionedBy: null,
      createdAt: at,
      lastModified: at,
      resource: JSON.stringify(resource),
    },
    [input.userName],
  );
}

/**
 * A local user created in the admin view, behind the lockout guard (PRODUCT.md §8.1): an Admin
 * who could sign in by no method (a local Admin while Require SSO is on) is refused while no other
 * Admin can sign in either, since it would only look like a way back in.
 */
export function addLocalUser(store: Store, accountId: string, input: LocalUserInput, force = false): UserRow {
  const settings = store.accounts.find(accountId)!.settings;
  const fresh = { active: true, scimDeletedAt: null, deprovisionedBy: null, ssoLinked: false, source: 'local' } as const;
  const lockedOutAdmin = input.role === 'Admin' && !canSignIn(fresh, settings);
  return guardAdminAction(store, accountId, { what: `creating local Admin ${input.userName}`, force, takesSignIn: lockedOutAdmin }, () => {
    const created = createLocalUser(store, accountId, input);
    store.events.insert({ accountId, type: 'user.provisioned', userId: created.id, message: `local user ${created.userName} created in the admin view`, data: { source: 'local' } });
    return created;
  });
}

/** A change to a local user can only be made on a local one: SCIM users belong to the IdP. */
export class NotLocal extends Error {}

export interface LocalUserChange {
  active?: boolean;
  role?: 'User' | 'Admin';
}

/**
 * Deactivates, reactivates, promotes or demotes a local user from the admin side, behind the
 * lockout guard: deactivating or demoting the last Admin who can sign in is refused unless forced.
 */
export function changeLocalUser(store: Store, row: UserRow, change: LocalUserChange, force = false): UserRow {
  if (row.source !== 'local') throw new NotLocal(`${row.userName} was provisioned by the IdP: change it there (SCIM), not in the admin view`);
  if (row.scimDeletedAt) throw new NotLocal(`${row.userName} was deleted through SCIM`);
  const accountId = row.accountId;
  const role = change.role ?? roleOf(row);
  const active = change.active ?? row.active;
  if (role === roleOf(row) && active === row.active) return row;
  const takesSignIn = isAdmin(row) && row.active && (role !== 'Admin' || !active);
  const at = new Date().toISOString();
  const path = `/admin/api/users/${row.id}`;
  return guardAdminAction(store, accountId, { what: `changing ${row.userName}`, force, takesSignIn, data: { userName: row.userName, change } }, () => {
    const resource = JSON.parse(row.resource) as Record<string, unknown>;
    resource.active = active;
    resource[ZOOMINFO_USER_SCHEMA] = { ...(resource[ZOOMINFO_USER_SCHEMA] as object | undefined), role };
    const deprovisioned = !active && row.active;
    const reactivated = active && !row.active;
    const saved = store.users.update({
      ...row,
      active,
      lastModified: at,
      resource: JSON.stringify(resource),
      ...(deprovisioned && { deprovisionedAt: at, deprovisionedBy: deprovisionRecord({ method: 'PATCH', path, idp: 'unknown' }, 'active-false', at) }),
      ...(reactivated && { deprovisionedAt: null, deprovisionedBy: null }),
    });
    const event = { accountId, userId: row.id, method: 'PATCH', path };
    const changes = diffResources(JSON.parse(row.resource) as Record<string, unknown>, resource);
    if (role !== roleOf(row)) {
      const demoted = roleOf(row) === 'Admin';
      store.events.insert({ ...event, type: 'user.updated', level: demoted ? 'warning' : 'info', message: `${row.userName}: role ${roleOf(row)} -> ${role} (admin view)`, data: { role: { from: roleOf(row), to: role } }, changes });
    }
    if (deprovisioned) store.events.insert({ ...event, type: 'user.deprovisioned', trigger: 'active-false', message: `${row.userName} deactivated in the admin view` });
    if (reactivated) store.events.insert({ ...event, type: 'user.reactivated', message: `${row.userName} reactivated in the admin view` });
    return saved;
  });
}

/** The account owner every account starts with, and gets back after a reset (PRODUCT.md §3). */
export const seedAdmin = (store: Store, accountId: string): UserRow =>
  createLocalUser(store, accountId, {
    userName: SEEDED_ADMIN,
    role: 'Admin',
    name: { givenName: 'Account', familyName: 'Owner', formatted: 'Account Owner' },
  });
