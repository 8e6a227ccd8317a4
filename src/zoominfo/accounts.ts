import type { Store } from '../store/store.js';
import { DEFAULT_ACCOUNT } from '../store/accounts-repository.js';
import { generateToken } from '../bootstrap.js';
import { seedAdmin } from './local-users.js';

export class AccountRefused extends Error {}

export const ACCOUNT_ID = /^[a-z0-9-]{1,40}$/;

/**
 * A new, independent ZoomInfo account: default settings, its own SCIM token (returned once), and
 * its own account owner, as every ZoomInfo account starts with.
 */
export function createAccount(store: Store, id: string, name: string): { token: string } {
  return store.transaction(() => {
    if (store.accounts.find(id)) throw new AccountRefused(`account "${id}" already exists`);
    store.accounts.create(id, name);
    const token = generateToken();
    store.accounts.setToken(id, 'scim', token);
    seedAdmin(store, id);
    return { token };
  }, id);
}

/** Removes an account and everything in it (users, groups, tokens, journal). */
export function deleteAccount(store: Store, id: string): void {
  if (id === DEFAULT_ACCOUNT) throw new AccountRefused('the default account cannot be deleted');
  store.transaction(() => {
    store.groups.removeAccount(id);
    store.users.eraseAccount(id);
    store.events.clear(id);
    store.accounts.remove(id);
  }, id);
}
