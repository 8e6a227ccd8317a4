// Groups with member counts, and one group with its members; both paged by the server.
import { ApiError, api, qs } from '../lib/api.js';
import { add, h, heading, pager, posInt, route, table, when } from '../lib/dom.js';

export async function groupsView(root, { params, signal }) {
  const page = posInt(params.get('page'), 1);
  const list = await api(`/groups?${qs({ page, pageSize: 50 })}`, { signal });
  add(root,
    heading('Groups'),
    h('p', { role: 'status' }, `${list.total.toLocaleString()} group${list.total === 1 ? '' : 's'}`),
    table('Groups', [
      { label: 'Display name', cell: (g) => h('a', { href: `#/groups/${encodeURIComponent(g.id)}` }, g.displayName), class: 'col-main' },
      { label: 'External id', cell: (g) => g.externalId ?? '—' },
      { label: 'Members', cell: (g) => g.memberCount.toLocaleString(), class: 'num' },
      { label: 'Last modified', cell: (g) => when(g.lastModified) },
    ], list.items, 'No groups yet: push a group from the IdP.'),
    list.total > list.pageSize || page > 1 ? pager(list, (p) => route('/groups', { page: p }), 'groups') : null,
  );
}

export async function groupView(root, { match: [id], params, signal }) {
  const page = posInt(params.get('page'), 1);
  let group;
  try {
    group = await api(`/groups/${encodeURIComponent(id)}?${qs({ page, pageSize: 50 })}`, { signal });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    // A deprovisioning record may name a group that was deleted since: say so, and where to look.
    return add(root,
      h('p', { class: 'crumbs' }, h('a', { href: '#/groups' }, '← Groups')),
      heading('Group deleted'),
      h('p', {}, 'This group no longer exists: it was deleted through SCIM, or the account was reset. ',
        h('a', { href: route('/journal', { group: id }) }, 'Its journal events'), ' say what happened to it and its members.'));
  }
  const members = group.members;
  add(root,
    h('p', { class: 'crumbs' }, h('a', { href: '#/groups' }, '← Groups')),
    heading(group.displayName),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Members'), h('dd', {}, group.memberCount.toLocaleString()),
      h('dt', {}, 'External id'), h('dd', {}, group.externalId ?? '—'),
      h('dt', {}, 'Created'), h('dd', {}, when(group.createdAt)),
      h('dt', {}, 'Last modified'), h('dd', {}, when(group.lastModified)),
      h('dt', {}, 'id'), h('dd', {}, h('code', {}, group.id)),
    ),
    h('p', {}, h('a', { href: route('/journal', { group: group.id }) }, 'Journal events for this group')),
    h('h2', {}, 'Members'),
    table(`Members of ${group.displayName}`, [
      { label: 'Member', cell: (m) => (m.type === 'User' ? h('a', { href: `#/users/${encodeURIComponent(m.value)}` }, m.display ?? m.value) : m.display ?? m.value), class: 'col-main' },
      { label: 'Type', cell: (m) => m.type },
      { label: 'id', cell: (m) => h('code', {}, m.value) },
    ], members.items, 'This group has no members.'),
    members.total > members.pageSize || page > 1 ? pager(members, (p) => route(`/groups/${encodeURIComponent(group.id)}`, { page: p }), 'members') : null,
  );
}
