import type { Store } from '../store/store.js';
import type { NewEvent } from '../store/events-repository.js';
import type { Journal, RequestContext } from '../journal.js';
import { ScimError } from '../scim/errors.js';
import { adminAccess, lostAccess, someAdminCanSignIn, LOCKOUT_REMEDY, type AdminAccess, type LockedOut } from './admin-access.js';
import type { Settings } from '../model/settings.js';

/** The invariant of PRODUCT.md §8.1 for an account as it stands (inside a transaction: as it stands there). */
export function accessOf(store: Store, accountId: string, settings: Settings = store.accounts.find(accountId)!.settings): AdminAccess {
  return adminAccess(store.users.activeAdmins(accountId), settings);
}

/** An admin-side action refused because it would leave no active Admin able to sign in. */
export class GuardRefusal extends Error {
  constructor(
    readonly lockedOut: LockedOut[],
    readonly summary: string,
    what: string,
  ) {
    super(`${what} refused: ${summary}. To fix it: ${LOCKOUT_REMEDY}`);
  }
}

export interface AdminActionGuard {
  /** What is being done, for messages: "settings change", "reset", "creating local Admin x". */
  what: string;
  force?: boolean;
  /**
   * Whether the action itself takes sign-in away from an Admin (turns Require SSO on, creates an
   * Admin who cannot sign in, deactivates or demotes an Admin, re-seeds a local one). Such an
   * action is refused whenever it leaves the invariant broken, even if it was broken before: the
   * guard never lets an admin dig the hole deeper. Any other action is refused only if it breaks it.
   */
  takesSignIn: boolean;
  /** Extra data for the journal's guard events. */
  data?: Record<string, unknown>;
}

/**
 * Runs an admin-side action in one transaction behind the lockout guard (PRODUCT.md §8.1): refused
 * (nothing changes, `guard.refused` journaled) when it leaves no active Admin able to sign in;
 * `force` goes ahead and journals `guard.forced` as a warning.
 */
export function guardAdminAction<T>(store: Store, accountId: string, guard: AdminActionGuard, action: () => T): T {
  const event = (e: Omit<NewEvent, 'accountId'>) => store.events.insert({ accountId, idp: 'unknown', ...e });
  let refusal: GuardRefusal | undefined;
  try {
    return store.transaction(() => {
      const before = accessOf(store, accountId);
      const result = action();
      const after = accessOf(store, accountId);
      if (after.holds || (!before.holds && !guard.takesSignIn)) return result;
      const data = { ...guard.data, lockedOut: after.lockedOut };
      if (!guard.force) {
        refusal = new GuardRefusal(after.lockedOut, after.summary, guard.what);
        throw refusal;
      }
      event({ type: 'guard.forced', level: 'warning', message: `${guard.what} forced although ${after.summary}`, data });
      return result;
    }, accountId);
  } catch (error) {
    // Journaled after the rollback, so that the refusal itself is kept.
    if (refusal && error === refusal) event({ type: 'guard.refused', level: 'warning', message: `${guard.what} refused: ${refusal.summary}`, data: { ...guard.data, lockedOut: refusal.lockedOut } });
    throw error;
  }
}

/** A SCIM write refused under `guard.scim: "refuse"`: 409, and the transaction is rolled back. */
export class ScimLockoutRefusal extends ScimError {
  constructor(readonly lost: (LockedOut & { id: string })[]) {
    super(
      409,
      `refused by the sandbox's lockout guard (setting guard.scim is "refuse"): this request would leave no active Admin able to sign in to the ZoomInfo account; ` +
        `it takes sign-in away from ${lost.map((l) => `${l.userName} (${l.reason})`).join('; ')}. ZoomInfo itself would accept it`,
    );
  }
}

/**
 * Thrown by the quick check when a write leaves no Admin able to sign in: the caller undoes the
 * write (its savepoint) and runs it again with `thorough` set (provisioning/write.ts).
 */
export class GuardRecheck extends Error {
  constructor() {
    super('the write leaves no active Admin able to sign in: run it again, checked in full');
  }
}

/**
 * Runs a SCIM write behind the lockout guard (PRODUCT.md §8.1). ZoomInfo itself accepts any such
 * write, so by default (`guard.scim: "warn"`) the write goes through and a `guard.breached` event
 * (level error) names each Admin it locked out; under "refuse" it is answered 409 and nothing
 * changes. Only a write that breaks the invariant counts: if no Admin could sign in before, there
 * is nothing left to protect.
 *
 * Quick (the default): after the write, is there an Admin who can sign in? One read, up to the
 * first such Admin; if so, nothing was broken, whatever the state before. An account may have
 * thousands of Admins: reading and parsing all of them before and after cost ~40 ms a write.
 * Otherwise GuardRecheck: the caller undoes the write and runs it again `thorough`, between two
 * full reads that say whether the invariant held before, and whom the write locked out and why.
 */
export function guardScimWrite<T>(store: Store, journal: Journal, ctx: RequestContext, write: () => T, thorough = false): T {
  const settings = store.accounts.find(ctx.accountId)!.settings;
  if (!thorough) {
    const result = write();
    if (someAdminCanSignIn(store.users.eachActiveAdminSignIn(ctx.accountId), settings)) return result;
    throw new GuardRecheck();
  }
  const before = accessOf(store, ctx.accountId, settings);
  const result = write();
  if (!before.holds) return result;
  const after = accessOf(store, ctx.accountId, settings);
  if (after.holds) return result;
  const lost = lostAccess(before, after);
  if (settings.guard.scim === 'refuse') throw new ScimLockoutRefusal(lost);
  for (const admin of lost) {
    journal.change(ctx, {
      type: 'guard.breached',
      level: 'error',
      userId: admin.id,
      message: `${ctx.method} ${ctx.path} left no active Admin able to sign in: ${admin.userName} (${admin.reason}). To fix it: ${LOCKOUT_REMEDY}`,
      data: { lockedOut: after.lockedOut, rule: 'the account keeps at least one active Admin who can sign in' },
    });
  }
  return result;
}

/** After the rollback of a refused SCIM write: the refusal, linked to its request, in each Admin's timeline. */
export function journalScimRefusal(journal: Journal, ctx: RequestContext, refusal: ScimLockoutRefusal): void {
  for (const admin of refusal.lost) {
    journal.change(ctx, {
      type: 'guard.refused',
      level: 'warning',
      userId: admin.id,
      message: `${ctx.method} ${ctx.path} refused (guard.scim "refuse"): it would have locked out ${admin.userName} (${admin.reason})`,
      data: { lockedOut: refusal.lost.map(({ userName, reason }) => ({ userName, reason })) },
    });
  }
}
