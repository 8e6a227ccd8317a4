// One user: the state, the SCIM resource, the raw requests the IdP sent for it and its timeline.
import { ApiError, api } from '../lib/api.js';
import { add, IDPS, TRIGGERS, badge, fullName, h, heading, json, route, statusBadge, when } from '../lib/dom.js';

export async function userView(root, { match: [id], signal }) {
  const user = await api(`/users/${encodeURIComponent(id)}`, { signal });
  const by = user.deprovisionedBy;
  const group = by?.groupId ? await groupOf(by, signal) : null;
  const row = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];

  add(root,
    h('p', { class: 'crumbs' }, h('a', { href: route('/users', { status: user.status }) }, `← ${user.status === 'active' ? 'Active' : 'Deprovisioned'} users`)),
    heading(user.userName),
    h('p', {}, statusBadge(user.status), user.scimDeleted ? [' ', badge('deleted through SCIM', 'bad')] : null),
    h('dl', { class: 'facts' },
      row('Name', fullName(user)),
      row('Role', user.role),
      row('Licenses', user.licenses.length ? user.licenses.join(', ') : '—'),
      row('Source', user.source === 'scim' ? 'SCIM' : 'local'),
      row('SSO-linked', user.ssoLinked ? 'yes' : 'no'),
      row('Created', when(user.createdAt)),
      row('Last modified', when(user.lastModified)),
      row('id', h('code', {}, user.id)),
    ),
    by
      ? h('section', { class: 'panel panel-bad', 'aria-labelledby': 'deprov-title' },
          h('h2', { id: 'deprov-title' }, 'Deprovisioned'),
          h('dl', { class: 'facts' },
            row('When', when(by.at ?? user.deprovisionedAt)),
            row('Trigger', badge(by.trigger, 'bad'), ' ', TRIGGERS[by.trigger] ?? ''),
            row('IdP', IDPS[by.idp] ?? by.idp),
            group ? row('Group', group) : null,
            row('Request', h('code', {}, `${by.method} ${by.path}`), by.eventId ? [' ', h('a', { href: `#/journal/event/${by.eventId}` }, `journal event #${by.eventId}`)] : null),
          ))
      : null,
    h('section', { 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'Timeline'),
      user.timeline.length
        ? h('ol', { class: 'timeline' }, user.timeline.map(timelineItem))
        : h('p', { class: 'empty' }, 'No state changes recorded.'),
      h('p', {}, h('a', { href: route('/journal', { user: user.id }) }, 'All journal events for this user')),
    ),
    h('section', { 'aria-labelledby': 'requests-title' },
      h('h2', { id: 'requests-title' }, 'Requests from the IdP'),
      user.requests.length
        ? h('ol', { class: 'requests' }, user.requests.map(requestItem))
        : h('p', { class: 'empty' }, 'No SCIM request changed this user (a local user, say).'),
    ),
    user.scimDeleted
      ? h('section', { 'aria-labelledby': 'resource-title' },
          h('h2', { id: 'resource-title' }, 'Deleted through SCIM'),
          h('p', {}, 'SCIM answers 404 for this id: the IdP deleted the user, and the record is kept here as deprovisioned. The same userName can be provisioned again, as a new user.'))
      : h('section', { 'aria-labelledby': 'resource-title' },
          h('h2', { id: 'resource-title' }, 'As SCIM returns it'),
          json(user.resource, 'SCIM resource'),
        ),
  );
}

/** The group of a group trigger: a link while it exists, its name and "deleted" once it is gone. */
async function groupOf(by, signal) {
  const name = by.groupName ?? by.groupId;
  try {
    await api(`/groups/${encodeURIComponent(by.groupId)}?pageSize=1`, { signal });
    return h('a', { href: `#/groups/${encodeURIComponent(by.groupId)}` }, name);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    return [h('span', {}, name), ' ', badge('deleted', 'neutral'), ' ', h('a', { href: route('/journal', { group: by.groupId }) }, 'its journal events')];
  }
}

function timelineItem(e) {
  if (e.type === 'request') {
    return h('li', { class: 'event request' },
      when(e.at), ' ', h('a', { href: `#/journal/event/${e.id}` }, h('code', {}, `${e.method} ${e.path}`)), ' → ',
      badge(String(e.status ?? '…'), (e.status ?? 0) >= 400 ? 'bad' : 'ok'), ' ', h('span', { class: 'hint' }, `from ${IDPS[e.idp] ?? e.idp}${e.idpInferred ? ' (inferred)' : ''}`));
  }
  return h('li', { class: `event level-${e.level ?? 'info'}` },
    when(e.at), ' ', badge(e.type, e.type === 'user.deprovisioned' || e.level === 'error' ? 'bad' : e.type === 'user.reactivated' ? 'ok' : 'neutral'),
    e.trigger ? [' ', h('span', {}, `trigger ${e.trigger}`)] : null,
    ' ', h('span', { class: 'hint' }, `via ${IDPS[e.idp] ?? e.idp}`),
    e.message ? h('div', {}, e.message) : null,
    e.changes?.length ? h('ul', { class: 'changes-inline' }, e.changes.map((c) => h('li', {}, h('code', {}, c.path), ': ', JSON.stringify(c.from ?? null), ' → ', JSON.stringify(c.to ?? null)))) : null,
    e.requestEventId ? h('div', {}, h('a', { href: `#/journal/event/${e.requestEventId}` }, `request #${e.requestEventId}`)) : null,
  );
}

function requestItem(e) {
  return h('li', {},
    h('details', {},
      h('summary', {}, h('code', {}, `${e.method} ${e.path}`), ' → ', badge(String(e.status ?? '…'), (e.status ?? 0) >= 400 ? 'bad' : 'ok'), ' ', IDPS[e.idp] ?? e.idp, ' · ', when(e.at), ` · #${e.id}`),
      h('h3', {}, 'Request body'),
      e.request === undefined ? h('p', { class: 'empty' }, 'No body.') : json(e.request, `Request body of event ${e.id}`),
      e.rewrites ? [h('h3', {}, 'What the IdP normaliser changed'), json(e.rewrites, `Rewrites of event ${e.id}`)] : null,
      h('h3', {}, 'Response'),
      e.response === undefined ? h('p', { class: 'empty' }, 'No response body.') : json(e.response, `Response of event ${e.id}`),
    ),
  );
}
