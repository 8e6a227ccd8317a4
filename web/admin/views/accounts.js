// Accounts (PRODUCT.md §7): several independent ZoomInfo accounts on one sandbox, each with its own
// SCIM API and token. Listed, created (the token is shown once) and deleted (after a confirmation;
// the default account cannot be deleted) through /admin/api/accounts.
import { ApiError, api } from '../lib/api.js';
import { DEFAULT_ACCOUNT, accountLabel, accountUrl, selectedAccount, setKnownAccounts } from '../lib/account.js';
import { add, badge, h, heading, table, when } from '../lib/dom.js';

const ACCOUNT_ID = /^[a-z0-9-]{1,40}$/;

export async function accountsView(root, { signal }) {
  const status = h('p', { role: 'status', class: 'live', id: 'accounts-status' });
  const listBox = h('div', { id: 'accounts-list' });
  const confirmBox = h('div', { id: 'account-confirm' });
  const createdBox = h('div', { id: 'account-created' });

  const refresh = async () => {
    const { items } = await api('/accounts?pageSize=500', { signal });
    setKnownAccounts(items);
    listBox.replaceChildren(accountsTable(items, askDelete));
    return items;
  };

  // Deleting: a confirmation naming what goes, then DELETE; focus comes back to a sensible place.
  const askDelete = (account, button) => {
    const yes = h('button', { type: 'button', class: 'danger', id: 'account-delete-confirm' }, `Delete ${account.id}`);
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    confirmBox.replaceChildren(
      h('section', { class: 'panel panel-warn', role: 'alert', 'aria-labelledby': 'account-delete-title' },
        h('h2', { id: 'account-delete-title' }, `Delete account "${account.id}"?`),
        h('p', {}, 'Its users, groups, journal, settings and SCIM token are erased, and ', h('code', {}, account.scimBaseUrl),
          ' stops answering (an IdP still pointed at it gets 401 or 404). This cannot be undone.'),
        h('div', { class: 'form-actions' }, yes, cancel)),
    );
    cancel.addEventListener('click', () => {
      confirmBox.replaceChildren();
      button.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api(`/accounts/${encodeURIComponent(account.id)}`, { method: 'DELETE' });
        confirmBox.replaceChildren();
        // The page was on the deleted account: it goes back to the default one.
        if (account.id === selectedAccount()) history.replaceState(null, '', accountUrl(DEFAULT_ACCOUNT, '#/accounts'));
        await refresh();
        status.textContent = `Account "${account.id}" deleted.`;
        root.querySelector('#view-title')?.focus();
      } catch (error) {
        yes.disabled = false;
        confirmBox.append(h('p', { class: 'error', role: 'alert' }, `Not deleted: ${error.message}`));
      }
    });
    yes.focus();
  };

  const idInput = h('input', {
    id: 'account-id', name: 'id', type: 'text', required: true, maxlength: 40, autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'account-id-hint account-form-error',
  });
  const nameInput = h('input', { id: 'account-name', name: 'name', type: 'text', maxlength: 200, autocomplete: 'off', 'aria-describedby': 'account-name-hint' });
  const formError = h('p', { id: 'account-form-error', class: 'error', role: 'alert' });
  const form = h('form', { id: 'account-form', novalidate: true, 'aria-labelledby': 'new-account-title' },
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'account-id' }, 'Account id'), idInput,
        h('span', { class: 'hint', id: 'account-id-hint' }, '1-40 characters: a-z, 0-9 and "-". Its SCIM API is /accounts/{id}/scim/v2.')),
      h('div', { class: 'field' }, h('label', { for: 'account-name' }, 'Name (optional)'), nameInput,
        h('span', { class: 'hint', id: 'account-name-hint' }, 'e.g. "Staging IdP"; the id when left empty.'))),
    formError,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Create account')),
  );

  const invalid = (message) => {
    formError.textContent = message;
    idInput.setAttribute('aria-invalid', 'true');
    idInput.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    formError.textContent = '';
    idInput.removeAttribute('aria-invalid');
    const id = idInput.value.trim();
    const name = nameInput.value.trim();
    if (!ACCOUNT_ID.test(id)) return invalid('The account id must be 1-40 characters of a-z, 0-9 and "-".');
    const button = event.submitter ?? form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const created = await api('/accounts', { method: 'POST', body: name ? { id, name } : { id } });
      // The token first: whatever happens next, it must not be lost.
      form.reset();
      createdBox.replaceChildren(createdPanel(created));
      status.textContent = `Account "${created.id}" created.`;
      const token = createdBox.querySelector('#created-token');
      token.focus();
      token.select();
      await refresh().catch(() => {});
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) invalid(`There is already an account "${id}".`);
      else if (error instanceof ApiError && error.status === 400) invalid(error.message);
      else formError.textContent = `Not created: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  });

  await refresh();
  add(root,
    heading('Accounts'),
    h('p', { class: 'lead' },
      'Independent ZoomInfo accounts on this sandbox, each with its own SCIM API and token, settings, users, groups and journal: a staging and a production IdP app side by side, or one account per CI job. The switcher at the top chooses which one the other pages show.'),
    status,
    confirmBox,
    listBox,
    h('section', { 'aria-labelledby': 'new-account-title', class: 'new-account' },
      h('h2', { id: 'new-account-title' }, 'New account'),
      h('p', { class: 'hint' }, 'It starts with the default settings and its own admin@example.com.'),
      form,
      createdBox),
  );
}

function accountsTable(accounts, askDelete) {
  const current = selectedAccount();
  return table('Accounts', [
    {
      label: 'Account',
      class: 'col-main',
      // One element: on a narrow screen each cell is a two-column grid (label, content).
      cell: (a) => h('span', {},
        h('strong', {}, a.name), ' ', h('code', {}, a.id),
        a.id === DEFAULT_ACCOUNT ? [' ', badge('default', 'info')] : null,
        a.id === current ? [' ', badge('shown now', 'ok')] : null),
    },
    { label: 'SCIM base URL', cell: (a) => h('code', { class: 'url' }, a.scimBaseUrl) },
    { label: 'Created', cell: (a) => when(a.createdAt) },
    {
      label: 'Actions',
      cell: (a) => {
        const actions = h('div', { class: 'row-actions' });
        if (a.id !== current) {
          actions.append(h('a', { href: accountUrl(a.id, '#/users'), class: 'button secondary' }, 'Switch to', h('span', { class: 'visually-hidden' }, ` ${accountLabel(a)}`)));
        }
        if (a.id !== DEFAULT_ACCOUNT) {
          const del = h('button', { type: 'button', class: 'danger', 'data-account': a.id }, 'Delete', h('span', { class: 'visually-hidden' }, ` account ${a.id}`));
          del.addEventListener('click', () => askDelete(a, del));
          actions.append(del);
        }
        return actions.childNodes.length ? actions : '—';
      },
    },
  ], accounts);
}

/** The new account, with its SCIM token: shown here once and never again. */
function createdPanel(account) {
  const field = h('input', { id: 'created-token', type: 'text', readonly: true, value: account.scimToken, spellcheck: 'false', 'aria-describedby': 'created-token-help' });
  const copied = h('span', { role: 'status', class: 'hint' });
  const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy');
  copy.addEventListener('click', async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(account.scimToken);
      copied.textContent = 'Copied.';
    } catch {
      copied.textContent = 'Select the text and copy it yourself.';
    }
  });
  return h('section', { class: 'panel panel-ok', 'aria-labelledby': 'created-title' },
    h('h3', { id: 'created-title' }, `Account "${account.id}" created`),
    h('dl', { class: 'facts' },
      h('dt', {}, 'SCIM base URL'), h('dd', {}, h('code', {}, account.scimBaseUrl))),
    h('label', { for: 'created-token' }, `SCIM token for ${account.id}`),
    h('div', { class: 'token-row' }, field, copy, copied),
    h('p', { class: 'warning', id: 'created-token-help' },
      h('strong', {}, 'Copy it now: '),
      'this token is shown only this once. The sandbox keeps only a digest of it; if it is lost, switch to this account and generate a new one in Settings.'),
    h('p', {}, h('a', { href: accountUrl(account.id, '#/users') }, `Switch to ${account.id}`)),
  );
}
