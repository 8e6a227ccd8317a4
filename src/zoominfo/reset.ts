import type { Store } from '../store/store.js';
import { seedAdmin } from './local-users.js';
import { guardAdminAction } from './lockout-guard.js';

/**
 * PRODUCT.md §5 reset: users, groups and journal emptied; settings and tokens kept; admin re-seeded.
 * The re-seeded owner is a local user: while Require SSO is on it could not sign in, so the reset
 * is behind the lockout guard (PRODUCT.md §8.1).
 */
export function resetAccount(store: Store, accountId: string, force = false): void {
  guardAdminAction(store, accountId, { what: 'reset', force, takesSignIn: true }, () => {
    store.groups.removeAccount(accountId);
    store.users.eraseAccount(accountId);
    store.events.clear(accountId);
    seedAdmin(store, accountId);
  });
}
