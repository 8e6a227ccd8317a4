import type { UserRow } from '../store/users-repository.js';
import type { Settings } from '../model/settings.js';
import { canSignIn, checkSignIn, isActive, isAdmin, type SignInFacts } from './sign-in.js';

/** One active Admin and whether (and how) they can sign in under some settings. */
export interface AdminSignIn {
  id: string;
  userName: string;
  canSignIn: boolean;
  /** How they sign in, or why they cannot (both methods' reasons). */
  reason: string;
}

export interface LockedOut {
  userName: string;
  reason: string;
}

/**
 * The one invariant every verdict of the sandbox is about (PRODUCT.md §8.1): the account keeps at
 * least one active Admin who can sign in, by SSO (SSO-linked while SSO is configured) or by
 * password (local while Require SSO is off). The settings guard, the admin-side and SCIM guards,
 * readiness and the admin view's banner all ask this function; none has a rule of its own.
 */
export interface AdminAccess {
  holds: boolean;
  admins: AdminSignIn[];
  /** The active Admins who can sign in by no method. */
  lockedOut: LockedOut[];
  /** The state in one sentence, for readiness, the banner and refusals. */
  summary: string;
}

export function adminAccess(users: readonly UserRow[], settings: Settings): AdminAccess {
  const admins = users
    .filter((u) => isActive(u) && isAdmin(u))
    .map((u): AdminSignIn => {
      const sso = checkSignIn(u, 'sso', settings);
      if (sso.allowed) return { id: u.id, userName: u.userName, canSignIn: true, reason: `SSO: ${sso.reason}` };
      const password = checkSignIn(u, 'password', settings);
      if (password.allowed) return { id: u.id, userName: u.userName, canSignIn: true, reason: `password: ${password.reason}` };
      return { id: u.id, userName: u.userName, canSignIn: false, reason: `SSO: ${sso.reason}; password: ${password.reason}` };
    });
  const able = admins.filter((a) => a.canSignIn);
  const lockedOut = admins.filter((a) => !a.canSignIn).map((a) => ({ userName: a.userName, reason: a.reason }));
  return { holds: able.length > 0, admins, lockedOut, summary: summarise(able, lockedOut) };
}

/**
 * Whether the invariant holds, reading no further than the first Admin who can sign in (the
 * rows are the store's active Admins, so their role is not parsed again): what every SCIM
 * write asks twice, where adminAccess would read and parse every Admin of the account.
 */
export function someAdminCanSignIn(activeAdmins: Iterable<SignInFacts>, settings: Settings): boolean {
  for (const u of activeAdmins) if (isActive(u) && canSignIn(u, settings)) return true;
  return false;
}

function summarise(able: AdminSignIn[], lockedOut: LockedOut[]): string {
  const names = (list: { userName: string }[]) => list.slice(0, 5).map((a) => a.userName).join(', ') + (list.length > 5 ? `, and ${list.length - 5} more` : '');
  if (able.length) return `${able.length} active Admin(s) can sign in: ${names(able)}`;
  if (!lockedOut.length) return 'the account has no active Admin: nobody can administer it';
  return `no active Admin can sign in: ${lockedOut.map((l) => `${l.userName} (${l.reason})`).join('; ')}`;
}

/**
 * What gets an account out of a lockout, for refusals and readiness. The seeded owner is a local
 * user: under Require SSO it needs SSO, which only a SCIM claim gives it (scimVisibility "all").
 */
export const LOCKOUT_REMEDY =
  'provision an Admin through the IdP (SCIM, role "Admin"), or set scimVisibility to "all" so that the IdP can claim the local Admin and link it to SSO';

/** The Admins who could sign in before and cannot after: whom a change locks out, and why. */
export function lostAccess(before: AdminAccess, after: AdminAccess): (LockedOut & { id: string })[] {
  const afterById = new Map(after.admins.map((a) => [a.id, a]));
  return before.admins
    .filter((a) => a.canSignIn && !afterById.get(a.id)?.canSignIn)
    .map((a) => {
      const now = afterById.get(a.id);
      return { id: a.id, userName: a.userName, reason: now ? now.reason : 'no longer an active Admin (deprovisioned, deleted or demoted)' };
    });
}
