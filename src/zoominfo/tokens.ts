import type { Store } from '../store/store.js';
import type { TokenKind } from '../store/accounts-repository.js';
import { generateToken } from '../bootstrap.js';

export class TokenRefused extends Error {}

/**
 * Issues a new token; the old one stops working at once. ZoomInfo issues no SCIM token until SAML
 * SSO is configured (PRODUCT.md §3), so neither does the sandbox.
 */
export function rotateToken(store: Store, accountId: string, kind: TokenKind, via: string): string {
  const account = store.accounts.find(accountId);
  if (!account) throw new TokenRefused(`no account "${accountId}"`);
  if (kind === 'scim' && !account.settings.ssoConfigured) {
    throw new TokenRefused('a SCIM token cannot be generated while SSO is not configured (ssoConfigured is false)');
  }
  const token = generateToken();
  store.transaction(() => {
    store.accounts.setToken(accountId, kind, token);
    store.events.insert({ accountId, type: 'token.rotated', message: `${kind} token rotated (${via})`, data: { kind } });
  });
  return token;
}
