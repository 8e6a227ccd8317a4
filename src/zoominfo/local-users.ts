import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { UserRow } from '../store/users-repository.js';
import { ZOOMINFO_USER_SCHEMA } from '../scim/schema/urns.js';
import { hashPassword } from './passwords.js';

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

/** The account owner every account starts with, and gets back after a reset (PRODUCT.md §3). */
export const seedAdmin = (store: Store, accountId: string): UserRow =>
  createLocalUser(store, accountId, {
    userName: SEEDED_ADMIN,
    role: 'Admin',
    name: { givenName: 'Account', familyName: 'Owner', formatted: 'Account Owner' },
  });
