import type { Store } from '../store/store.js';
import { seedAdmin } from './local-users.js';

/** PRODUCT.md §5 reset: users, groups and journal emptied; settings and tokens kept; admin re-seeded. */
export function resetAccount(store: Store, accountId: string): void {
  store.transaction(() => {
    store.groups.removeAccount(accountId);
    store.users.eraseAccount(accountId);
    store.events.clear(accountId);
    seedAdmin(store, accountId);
  });
}
