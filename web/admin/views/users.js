// Users: Active and Deprovisioned tabs with counts, search and paging, all done by the server.
import { api, qs } from '../lib/api.js';
import { add, IDPS, TRIGGERS, badge, fullName, h, heading, pager, posInt, route, statusBadge, table, when } from '../lib/dom.js';

const PAGE_SIZES = [25, 50, 100, 200];

export async function usersView(root, { params, signal }) {
  const status = params.get('status') === 'deprovisioned' ? 'deprovisioned' : 'active';
  const q = (params.get('q') ?? '').trim();
  const page = posInt(params.get('page'), 1);
  const pageSize = PAGE_SIZES.includes(Number(params.get('pageSize'))) ? Number(params.get('pageSize')) : 50;
  // Tab counts are of all users in each state (cheap counts); the search's own count is the list's.
  const count = (s) => api(`/users?${qs({ status: s, pageSize: 1 })}`, { signal }).then((r) => r.total);
  const [list, active, deprovisioned] = await Promise.all([
    api(`/users?${qs({ status, q, page, pageSize })}`, { signal }),
    q ? count('active') : null,
    q ? count('deprovisioned') : count(status === 'active' ? 'deprovisioned' : 'active'),
  ]);
  const totals = q ? { active, deprovisioned } : { [status]: list.total, [status === 'active' ? 'deprovisioned' : 'active']: deprovisioned };
  const link = (overrides) => route('/users', { status, q, pageSize: pageSize === 50 ? '' : pageSize, ...overrides });

  const tab = (value, label) =>
    h('a', { href: link({ status: value, page: '' }), class: 'tab', 'aria-current': value === status ? 'page' : null },
      label, ' ', h('span', { class: 'count' }, totals[value].toLocaleString()));

  const search = h('input', { type: 'search', id: 'user-search', name: 'q', value: q, autocomplete: 'off', 'aria-describedby': 'user-search-hint' });
  const size = h('select', { id: 'page-size', name: 'pageSize' }, PAGE_SIZES.map((n) => h('option', { value: n, selected: n === pageSize }, String(n))));
  const form = h(
    'form',
    { class: 'toolbar', role: 'search', onsubmit: (e) => {
      e.preventDefault();
      location.hash = link({ q: search.value.trim(), page: '', pageSize: Number(size.value) === 50 ? '' : size.value });
    } },
    h('div', { class: 'field' }, h('label', { for: 'user-search' }, 'Search users'), search,
      h('span', { id: 'user-search-hint', class: 'hint' }, 'userName, name or email; part of a word is enough')),
    h('div', { class: 'field field-narrow' }, h('label', { for: 'page-size' }, 'Per page'), size),
    h('div', { class: 'field-actions' }, h('button', { type: 'submit' }, 'Search'), q ? h('a', { href: link({ q: '', page: '' }), class: 'button secondary' }, 'Clear') : null),
  );

  const columns = [
    { label: 'userName', cell: (u) => h('a', { href: `#/users/${encodeURIComponent(u.id)}` }, u.userName), class: 'col-main' },
    { label: 'Name', cell: fullName },
    { label: 'Role', cell: (u) => (u.role === 'Admin' ? badge('Admin', 'info') : 'User') },
    { label: 'Licenses', cell: (u) => (u.licenses.length ? u.licenses.join(', ') : '—') },
    { label: 'Source', cell: (u) => (u.source === 'scim' ? 'SCIM' : 'local') },
    { label: 'SSO-linked', cell: (u) => (u.ssoLinked ? 'yes' : 'no') },
    { label: 'Status', cell: (u) => statusBadge(u.status) },
  ];
  if (status === 'active') {
    columns.push(
      { label: 'Groups', cell: (u) => String(u.groups ?? 0) },
      { label: 'IdP', cell: (u) => (u.idp ? IDPS[u.idp] ?? u.idp : '—') },
    );
  }
  if (status === 'deprovisioned') {
    columns.push(
      { label: 'Deprovisioned', cell: (u) => when(u.deprovisionedAt) },
      { label: 'Trigger', cell: triggerCell },
      { label: 'IdP', cell: (u) => (u.deprovisionedBy ? IDPS[u.deprovisionedBy.idp] ?? u.deprovisionedBy.idp : '—') },
      { label: 'Request', cell: (u) => (u.deprovisionedBy?.eventId ? h('a', { href: `#/journal/event/${u.deprovisionedBy.eventId}` }, `event #${u.deprovisionedBy.eventId}`) : '—') },
    );
  }

  const noun = status === 'active' ? 'active users' : 'deprovisioned users';
  add(root,
    heading('Users'),
    h('nav', { class: 'tabs', 'aria-label': 'User status' }, tab('active', 'Active'), tab('deprovisioned', 'Deprovisioned')),
    form,
    h('p', { class: q ? 'result-count' : 'visually-hidden', role: 'status', id: 'user-count' }, countText(list.total, status, q)),
    table(`${status === 'active' ? 'Active' : 'Deprovisioned'} users${q ? ` matching "${q}"` : ''}`, columns, list.items, q ? `No ${noun} match "${q}".` : EMPTY[status]),
    list.total > list.pageSize || page > 1 ? pager(list, (p) => link({ page: p }), noun) : null,
  );
}

/** What to do next when a tab is empty. */
const EMPTY = {
  active: 'No active users yet: assign a user to the ZoomInfo app in your IdP, or create a local user with POST /admin/api/users.',
  deprovisioned: 'No deprovisioned users yet: deactivate a user in your IdP, or unassign them from the app.',
};

function countText(n, status, q) {
  const users = `${n.toLocaleString()} ${status} user${n === 1 ? '' : 's'}`;
  return q ? `${users} ${n === 1 ? 'matches' : 'match'} "${q}"` : users;
}

function triggerCell(u) {
  const by = u.deprovisionedBy;
  if (!by) return '—';
  return h('span', { class: 'trigger', title: TRIGGERS[by.trigger] ?? '' }, badge(by.trigger, 'bad'), ' ', h('span', { class: 'hint' }, `by ${by.method}`));
}
