import { randomBytes } from 'node:crypto';
import type { Store } from './store/store.js';
import { DEFAULT_ACCOUNT, type TokenKind } from './store/accounts-repository.js';
import { seedAdmin } from './zoominfo/local-users.js';

export interface GeneratedTokens {
  scimToken?: string;
  adminToken?: string;
}

export const generateToken = (): string => randomBytes(32).toString('base64url');

export interface BootstrapOptions {
  /**
   * True for the server: a configured token is pinned by its environment variable, and a token no
   * longer configured is unpinned (PRODUCT.md §8.4). A zi-scim command leaves pins as they are: its
   * own environment says nothing about the server's.
   */
  applyPins: boolean;
}

const VARIABLE: Record<TokenKind, string> = { scim: 'SCIM_TOKEN', admin: 'ADMIN_TOKEN' };

/**
 * First-start setup, idempotent: the default account, its tokens (a configured token always wins;
 * otherwise one is generated once, stored as a digest and returned to be printed), and the seeded
 * local Admin. Returns only tokens generated now, so nothing is ever printed twice.
 */
export function bootstrap(store: Store, configured: { scimToken?: string; adminToken?: string }, options: BootstrapOptions = { applyPins: true }): GeneratedTokens {
  return store.transaction(() => {
    if (!store.accounts.find(DEFAULT_ACCOUNT)) {
      store.accounts.create(DEFAULT_ACCOUNT, 'Default account');
      seedAdmin(store, DEFAULT_ACCOUNT);
    }
    const generated: GeneratedTokens = {};
    const ensure = (kind: TokenKind, value: string | undefined): string | undefined => {
      if (value !== undefined) {
        store.accounts.setToken(DEFAULT_ACCOUNT, kind, value, options.applyPins ? VARIABLE[kind] : null);
        return undefined;
      }
      if (options.applyPins) store.accounts.unpinToken(DEFAULT_ACCOUNT, kind);
      if (store.accounts.hasToken(DEFAULT_ACCOUNT, kind)) return undefined;
      const token = generateToken();
      store.accounts.setToken(DEFAULT_ACCOUNT, kind, token);
      return token;
    };
    const scim = ensure('scim', configured.scimToken);
    const admin = ensure('admin', configured.adminToken);
    if (scim) generated.scimToken = scim;
    if (admin) generated.adminToken = admin;
    return generated;
  });
}
