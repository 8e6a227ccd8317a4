import type { UserRow } from '../store/users-repository.js';
import type { Settings } from '../model/settings.js';

export type SignInMethod = 'sso' | 'password';

export interface SignInAnswer {
  allowed: boolean;
  reason: string;
}

export const roleOf = (row: Pick<UserRow, 'resource'>): string => {
  const ext = (JSON.parse(row.resource) as Record<string, { role?: string } | undefined>)['urn:ietf:params:scim:schemas:extension:zoominfo:2.0:User'];
  return ext?.role ?? 'User';
};

export const isAdmin = (row: UserRow): boolean => roleOf(row) === 'Admin';

/** What the sign-in check reads of a user. */
export type SignInFacts = Pick<UserRow, 'active' | 'scimDeletedAt' | 'deprovisionedBy' | 'ssoLinked' | 'source'>;

export const isActive = (row: Pick<UserRow, 'active' | 'scimDeletedAt' | 'deprovisionedBy'>): boolean => row.active && row.scimDeletedAt === null && row.deprovisionedBy === null;

/**
 * PRODUCT.md §3: SSO works for an active, SSO-linked user while SSO is configured; password works
 * for an active local user while Require SSO is off.
 */
export function checkSignIn(user: SignInFacts | null, method: SignInMethod, settings: Settings): SignInAnswer {
  if (!user) return { allowed: false, reason: 'no such user in this account' };
  if (!isActive(user)) return { allowed: false, reason: 'the user is deprovisioned' };
  if (method === 'sso') {
    if (!settings.ssoConfigured) return { allowed: false, reason: 'SAML SSO is not configured for the account' };
    if (!user.ssoLinked) return { allowed: false, reason: 'the user is not linked to the identity provider (a local user never provisioned or claimed by SCIM)' };
    return { allowed: true, reason: 'active, SSO-linked user and SSO is configured' };
  }
  if (user.source !== 'local') return { allowed: false, reason: 'the user was provisioned by SCIM and has no ZoomInfo password' };
  if (settings.requireSso) return { allowed: false, reason: 'Require SSO is on: password sign-in is refused for everyone' };
  return { allowed: true, reason: 'active local user and Require SSO is off' };
}

/** Whether a user could sign in by either method. */
export const canSignIn = (user: SignInFacts, settings: Settings): boolean =>
  checkSignIn(user, 'sso', settings).allowed || checkSignIn(user, 'password', settings).allowed;
