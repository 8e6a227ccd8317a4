// The account the page acts on (PRODUCT.md §7): `?account=<id>` in the page's own URL, so a reload,
// a bookmark or a second tab keeps it; no parameter is the default account. lib/api.js adds it to
// every admin API call, and the header's switcher (filled from GET /admin/api/accounts) changes it.

export const DEFAULT_ACCOUNT = 'default';
const ACCOUNT_ID = /^[a-z0-9-]{1,40}$/;

/** The selected account's id, from the page URL. */
export function selectedAccount() {
  const id = new URLSearchParams(location.search).get('account');
  return id && ACCOUNT_ID.test(id) ? id : DEFAULT_ACCOUNT;
}

/** The page URL for an account and a view ("#/users"). */
export function accountUrl(id, hash = location.hash || '#/users') {
  const search = id === DEFAULT_ACCOUNT ? '' : `?${new URLSearchParams({ account: id })}`;
  return `${location.pathname}${search}${hash}`;
}

/** Opens the page for another account: a fresh load, so nothing of the previous one stays on screen. */
export function switchAccount(id, hash = '#/users') {
  location.assign(accountUrl(id, hash));
}

/** The accounts the page last read (GET /admin/api/accounts), for the switcher and the banner. */
let known = [];
const listeners = new Set();

export const knownAccounts = () => known;
export const currentAccountInfo = () => known.find((a) => a.id === selectedAccount()) ?? null;

export function setKnownAccounts(accounts) {
  known = accounts;
  for (const fn of listeners) fn(known);
}

export function onAccountsChanged(fn) {
  listeners.add(fn);
}

/** "Staging IdP (staging)", or just the id when the name is the id. */
export const accountLabel = (a) => (a.name && a.name !== a.id ? `${a.name} (${a.id})` : a.id);
