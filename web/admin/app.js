// The admin view: sign-in, a hash router over the views, sign-out. No framework, no build step.
import { ApiError, api, resumeSession, signIn, signOut, whenSignedOut } from './lib/api.js';
import { h } from './lib/dom.js';
import { usersView } from './views/users.js';
import { userView } from './views/user.js';
import { groupsView, groupView } from './views/groups.js';
import { journalView, journalEventView } from './views/journal.js';
import { settingsView } from './views/settings.js';
import { readinessView } from './views/readiness.js';
import { accountsView } from './views/accounts.js';
import { DEFAULT_ACCOUNT, accountLabel, accountUrl, currentAccountInfo, onAccountsChanged, selectedAccount, setKnownAccounts, switchAccount } from './lib/account.js';

const routes = [
  [/^\/users\/([^/]+)$/, userView],
  [/^\/users$/, usersView],
  [/^\/groups\/([^/]+)$/, groupView],
  [/^\/groups$/, groupsView],
  [/^\/journal\/event\/(\d+)$/, journalEventView],
  [/^\/journal$/, journalView],
  [/^\/settings$/, settingsView],
  [/^\/readiness$/, readinessView],
  [/^\/accounts$/, accountsView],
];

const $ = (id) => document.getElementById(id);
let current = { controller: null, cleanup: null };
let signedIn = false;

function showSignIn(message = '') {
  signedIn = false;
  stopView();
  $('view').replaceChildren();
  $('nav').hidden = true;
  $('account-switcher').hidden = true;
  $('account-banner').hidden = true;
  $('lockout-banner').hidden = true;
  $('account-notice').textContent = '';
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  document.title = 'Sign in · ZoomInfo SCIM sandbox admin';
  $('admin-token').focus();
}

/** The header's account switcher and, for an account other than the default, a banner naming it. */
function showAccounts(accounts) {
  const selected = selectedAccount();
  $('account-select').replaceChildren(
    ...accounts.map((a) => h('option', { value: a.id, selected: a.id === selected }, accountLabel(a))),
  );
  const info = currentAccountInfo();
  const banner = $('account-banner');
  banner.hidden = selected === DEFAULT_ACCOUNT || !info;
  if (info && selected !== DEFAULT_ACCOUNT) {
    banner.replaceChildren('Account ', h('strong', {}, accountLabel(info)), ' · SCIM at ', h('code', {}, info.scimBaseUrl));
  }
}
onAccountsChanged(showAccounts);

/**
 * Reads the accounts for the switcher. A page opened for an account that no longer exists falls
 * back to the default one (every call naming it would be 404), and says so.
 */
async function loadAccounts() {
  const { items } = await api('/accounts?pageSize=500');
  const selected = selectedAccount();
  if (!items.some((a) => a.id === selected)) {
    history.replaceState(null, '', accountUrl(DEFAULT_ACCOUNT));
    $('account-notice').textContent = `There is no account "${selected}" (any more): this is the default account.`;
  }
  setKnownAccounts(items);
}

/** After a sign-in focus moves to the first heading; on a reload it stays where the browser puts it. */
async function showApp(focus) {
  signedIn = true;
  $('sign-in').hidden = true;
  $('nav').hidden = false;
  $('account-switcher').hidden = false;
  $('sign-out').hidden = false;
  if (!location.hash.startsWith('#/')) history.replaceState(null, '', accountUrl(selectedAccount(), '#/users'));
  try {
    await loadAccounts();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    $('account-notice').textContent = `The accounts could not be read: ${error.message}`;
  }
  render(focus);
}

/**
 * The red banner on every page while no active Admin can sign in (PRODUCT.md §8.1), read after each
 * navigation and save. It names the Admins and why, and how to get back in.
 */
async function showLockoutBanner() {
  const banner = $('lockout-banner');
  let access;
  try {
    access = await api('/admin-access');
  } catch {
    return; // the page itself reports what went wrong
  }
  banner.hidden = access.holds;
  if (access.holds) return banner.replaceChildren();
  banner.replaceChildren(
    h('strong', {}, 'Locked out: no active Admin can sign in to this ZoomInfo account.'),
    access.admins.length
      ? h('ul', {}, access.admins.map((a) => h('li', {}, h('a', { href: `#/users/${encodeURIComponent(a.id)}` }, a.userName), `: ${a.reason}`)))
      : h('p', {}, 'The account has no active Admin at all.'),
    h('p', {}, access.summary.slice(access.summary.indexOf('To fix it'))),
  );
}

function stopView() {
  current.controller?.abort();
  current.cleanup?.();
  current = { controller: null, cleanup: null };
}

/** Renders the view for the current hash; `focus` moves focus to its heading (a navigation). */
async function render(focus) {
  if (!signedIn) return;
  const [path, query = ''] = location.hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  const found = routes.map(([re, view]) => [re.exec(path), view]).find(([m]) => m);
  stopView();
  const controller = new AbortController();
  current.controller = controller;
  const section = path.split('/')[1];
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const view = $('view');
  const hash = location.hash;
  view.setAttribute('aria-busy', 'true');
  const root = h('div', { class: 'view' });
  try {
    if (!found) throw new Error(`There is no page at ${path}.`);
    const [match, viewFn] = found;
    const cleanup = await viewFn(root, { params, match: match.slice(1).map(decodeURIComponent), signal: controller.signal, rerender: () => render(false) });
    if (controller.signal.aborted) return cleanup?.();
    current.cleanup = cleanup ?? null;
  } catch (error) {
    if (controller.signal.aborted || (error instanceof ApiError && error.status === 401)) return;
    root.replaceChildren(h('h1', { tabindex: -1, id: 'view-title' }, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, error.message));
  }
  view.replaceChildren(root);
  view.removeAttribute('aria-busy');
  view.dataset.rendered = hash; // which route is on screen (tests wait for it)
  showLockoutBanner();
  const title = root.querySelector('h1');
  const account = selectedAccount() === DEFAULT_ACCOUNT ? '' : ` · ${selectedAccount()}`;
  document.title = `${title?.textContent ?? 'Admin'}${account} · ZoomInfo SCIM sandbox admin`;
  if (focus) title?.focus({ preventScroll: false });
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('admin-token');
  const error = $('sign-in-error');
  error.textContent = '';
  if (!input.value.trim()) {
    error.textContent = 'Enter the admin token.';
    input.setAttribute('aria-invalid', 'true');
    return input.focus();
  }
  const button = event.submitter ?? event.target.querySelector('button');
  button.disabled = true;
  try {
    await signIn(input.value.trim());
    input.value = '';
    input.removeAttribute('aria-invalid');
    showApp(true);
  } catch (e) {
    input.setAttribute('aria-invalid', 'true');
    error.textContent =
      e instanceof ApiError && e.status === 429
        ? 'Too many failed sign-ins from this address. Wait a minute, then try again.'
        : e instanceof ApiError && e.status === 401
          ? 'That is not the admin token.'
          : `Sign-in failed: ${e.message}`;
    input.focus();
  } finally {
    button.disabled = false;
  }
});

$('account-switcher').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = $('account-select').value;
  // The same section in the other account (its list: a user or event id means nothing there).
  const section = location.hash.split(/[/?]/)[1];
  const sections = [...document.querySelectorAll('#nav a')].map((a) => a.dataset.section);
  if (id && id !== selectedAccount()) switchAccount(id, sections.includes(section) ? `#/${section}` : '#/users');
});

$('sign-out').addEventListener('click', async () => {
  await signOut().catch(() => {});
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  showSignIn('You are signed out.');
});

$('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  ($('view-title') ?? $('main')).focus();
});

window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/')) render(true);
});
window.addEventListener('admin-access-changed', () => signedIn && showLockoutBanner());
whenSignedOut(() => showSignIn('Your session has ended. Sign in again.'));

if (await resumeSession()) showApp(false);
else showSignIn();
