/** The account every sandbox has, served at /scim/v2 (PRODUCT.md §7); others at /accounts/{id}/scim/v2. */
export const DEFAULT_ACCOUNT = 'default';

/** The two bearer tokens of the sandbox: the IdP's (per account) and the admin's. */
export type TokenKind = 'scim' | 'admin';
