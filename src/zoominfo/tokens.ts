import type { Store } from '../store/store.js';
import type { TokenKind } from '../store/accounts-repository.js';
import { generateToken } from '../bootstrap.js';

export type TokenRefusal = 'no_account' | 'sso_not_configured' | 'pinned_by_environment';

export class TokenRefused extends Error {
  constructor(
    readonly code: TokenRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** The one explanation, for the admin API (409) and the CLI alike. */
export const pinnedMessage = (kind: TokenKind, variable: string): string =>
  `the ${kind === 'scim' ? 'SCIM' : 'admin'} token is set by ${variable} in the server's environment, which pins it: ` +
  `a rotated token would be replaced by it at the next start; change ${variable} and restart instead`;

/**
 * Issues a new token; the old one stops working at once (and with the admin token, every admin
 * view session: routes/admin/session.ts). ZoomInfo issues no SCIM token until SAML SSO is
 * configured (PRODUCT.md §3), so neither does the sandbox; a token the environment sets is not the
 * sandbox's to rotate (PRODUCT.md §8.4).
 */
export function rotateToken(store: Store, accountId: string, kind: TokenKind, via: string): string {
  const account = store.accounts.find(accountId);
  if (!account) throw new TokenRefused('no_account', `no account "${accountId}"`);
  const pinned = store.accounts.pinnedBy(accountId, kind);
  if (pinned) throw new TokenRefused('pinned_by_environment', pinnedMessage(kind, pinned));
  if (kind === 'scim' && !account.settings.ssoConfigured) {
    throw new TokenRefused('sso_not_configured', 'a SCIM token cannot be generated while SSO is not configured (ssoConfigured is false)');
  }
  const token = generateToken();
  store.transaction(() => {
    store.accounts.setToken(accountId, kind, token);
    store.events.insert({ accountId, type: 'token.rotated', message: `${kind} token rotated (${via})`, data: { kind } });
  }, accountId);
  return token;
}
